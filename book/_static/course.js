// Accessible names that contain what is on screen (WCAG 2.5.3 "label in name", checked by axe-core
// in tests/test_site.py). The theme and myst-nb label three controls with words a sighted user
// never sees, so speech-input users cannot say what they read.
function courseFixLabels() {
  // myst-nb's solution toggles read "Show solution" but are labelled "Toggle hidden content"
  document.querySelectorAll("details.hide > summary[aria-label]").forEach((s) => s.removeAttribute("aria-label"));
  // the search button reads "Search Ctrl+K" but is labelled "Search": let its text name it
  document.querySelectorAll(".search-button-field[aria-label]").forEach((b) => b.removeAttribute("aria-label"));
  // the colour-mode button is labelled "Color mode"; its icons' titles ("Light", "Dark") are decoration
  document.querySelectorAll(".theme-switch-button .theme-switch").forEach((icon) => {
    ["title", "role", "aria-labelledby"].forEach((a) => icon.removeAttribute(a));
    icon.setAttribute("aria-hidden", "true");
    const title = icon.querySelector("title");
    if (title) title.remove();
  });
}
// Font Awesome turns the <i> icons into <svg> around page load: fix before and after it does.
document.addEventListener("DOMContentLoaded", courseFixLabels);
window.addEventListener("load", courseFixLabels);

// pydata-sphinx-theme logs "Got invalid theme mode" on a reader's first visit, when no mode is
// saved yet: start from "auto" (follow the system's light or dark preference) instead.
if (!document.documentElement.dataset.mode) {
  document.documentElement.dataset.mode = "auto";
}

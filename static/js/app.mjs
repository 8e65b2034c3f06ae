import { initAll as initGovUK } from "../build/govuk-frontend.min.js";
import { initAll as initMoJ } from "../build/moj-frontend.min.js";
import { followImportProgress } from "./import-progress.mjs";
import { initPickers } from "./pickers.mjs";
import { follow } from "./follow.mjs";

// Pickers first: the Remove buttons they add are then started with the rest.
initPickers();
initGovUK();
initMoJ();

// Questions revealed under a radio answer (GOV.UK's conditional reveal). GOV.UK
// Frontend's own version marks the radio aria-expanded, which ARIA does not allow
// on a radio; this one shows and hides the same markup without it. Without
// JavaScript every revealed question stays visible.
function revealUnderRadios(root = document) {
  const inputs = [...root.querySelectorAll("input[type=radio][data-app-controls]")];
  const sync = () => {
    for (const input of inputs) {
      const target = document.getElementById(input.dataset.appControls);
      if (target) target.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
    }
  };
  for (const input of root.querySelectorAll("input[type=radio]")) {
    input.addEventListener("change", sync);
  }
  sync();
}

revealUnderRadios();

// Pages that follow a background job: a report being issued, an import being checked or written.
follow();
followImportProgress();

import { initAll as initGovUK } from "../build/govuk-frontend.min.js";
import { initAll as initMoJ } from "../build/moj-frontend.min.js";
import { initPickers } from "./pickers.mjs";

// Pickers first: the Remove buttons they add are then started with the rest.
initPickers();
initGovUK();
initMoJ();

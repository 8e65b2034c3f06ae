import { initAll as initGovUK } from "../build/govuk-frontend.min.js";
import { initAll as initMoJ } from "../build/moj-frontend.min.js";

initGovUK();
initMoJ();

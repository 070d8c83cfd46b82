// Starts the GOV.UK Frontend components (header menu, error summary focus and so on).
import { initAll } from "../dist/govuk-frontend.min.js";

initAll();

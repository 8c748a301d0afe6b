// Enhancements only: every page works without this file.
import { initAll } from "/static/build/govuk-frontend.min.js";

initAll();

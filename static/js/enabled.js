// Runs first: lets GOV.UK Frontend's styles know JavaScript is available (kept out of the page for the CSP).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");

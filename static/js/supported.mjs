// Marks the page as able to run GOV.UK Frontend's JavaScript (module scripts run
// only in browsers it supports).
document.body.classList.add("js-enabled", "govuk-frontend-supported");

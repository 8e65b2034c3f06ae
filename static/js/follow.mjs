// Follows a background job: an element with data-app-follow="<status URL>" asks that
// URL for the job's JSON every second or so, writes each field it names into the
// elements marked data-app-follow-field="<field>", and reloads the page once the job
// is done (the page then shows the result). Without JavaScript the page refreshes
// itself instead (a meta refresh inside <noscript>).
const EVERY_MS = 1000;

async function poll(element) {
  let done = false;
  try {
    const response = await fetch(element.dataset.appFollow, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    });
    if (response.ok) {
      const job = await response.json();
      for (const target of element.querySelectorAll("[data-app-follow-field]")) {
        const value = job[target.dataset.appFollowField];
        if (value !== undefined && value !== null) {
          target.textContent = typeof value === "number" ? value.toLocaleString("en-GB") : String(value);
        }
      }
      for (const bar of element.querySelectorAll("progress[data-app-follow-value]")) {
        const value = job[bar.dataset.appFollowValue];
        const max = job[bar.dataset.appFollowMax];
        if (typeof max === "number" && max > 0) bar.max = max;
        if (typeof value === "number") bar.value = value;
      }
      done = Boolean(job.done);
    } else if (response.status === 404 || response.status === 403) {
      done = true; // signed out, or gone: the reload shows why
    }
  } catch {
    // A dropped connection: try again next time round.
  }
  if (done) {
    window.location.reload();
  } else {
    window.setTimeout(() => poll(element), EVERY_MS);
  }
}

export function follow(root = document) {
  for (const element of root.querySelectorAll("[data-app-follow]")) {
    window.setTimeout(() => poll(element), EVERY_MS);
  }
}

// The import job page while a check or write runs: asks the job's status endpoint
// every second and shows its progress; when the status changes, loads the page
// again for the result. Without JavaScript the page refreshes itself instead.

const EVERY_MS = 1000;
const MOST_MS = 10000;

export function followImportProgress(root = document) {
  const box = root.querySelector("[data-app-import-status]");
  if (!box) return;
  const url = box.dataset.appImportStatus;
  const state = box.dataset.appImportState;
  const field = (name) => box.querySelector(`[data-app-import-field="${name}"]`);
  let wait = EVERY_MS;
  let lastStep = "";

  const show = (answer) => {
    const text = field("text");
    if (text && text.textContent !== answer.text) text.textContent = answer.text;
    const step = field("step");
    if (step && answer.step && answer.step !== lastStep) {
      lastStep = answer.step;
      step.textContent = answer.step;
    }
    const label = field("status_label");
    if (label) label.textContent = answer.status_label;
    const bar = field("percent");
    if (bar) {
      bar.value = answer.percent;
      bar.textContent = `${answer.percent}%`;
    }
  };

  const ask = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.status === 403 || response.status === 404) return; // signed out, or gone: stop asking
      if (!response.ok || !response.headers.get("content-type")?.includes("json")) throw new Error(response.status);
      const answer = await response.json();
      if (answer.status !== state) {
        window.location.reload();
        return;
      }
      show(answer);
      wait = EVERY_MS;
    } catch {
      wait = Math.min(wait * 2, MOST_MS); // the server is busy or unreachable: ask less often
    }
    window.setTimeout(ask, wait);
  };
  window.setTimeout(ask, wait);
}

// Pickers (see tracker/core/pickers.py and templates/forms/picker.html): the text box
// becomes alphagov's accessible autocomplete, fed by the picker's search endpoint, and
// the chosen records a list with a Remove button each ("add another" for several).
// Without this script the same form still works: the server matches the typed text.
import "../build/accessible-autocomplete.min.js";

const DEBOUNCE_MS = 200;

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function searcher(url) {
  let timer;
  let controller;
  return (query, populate) => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      controller?.abort();
      controller = new AbortController();
      try {
        const response = await fetch(`${url}?q=${encodeURIComponent(query)}`, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          signal: controller.signal,
        });
        if (!response.ok) return populate([]);
        populate((await response.json()).results);
      } catch (error) {
        if (error.name !== "AbortError") populate([]);
      }
    }, DEBOUNCE_MS);
  };
}

function initPicker(root) {
  const name = root.dataset.name;
  const noun = root.dataset.noun;
  const multiple = root.dataset.multiple === "true";
  const input = root.querySelector(`input[name="${name}__find"]`);
  const chosen = [...root.querySelectorAll(`input[type="checkbox"][name="${name}"]:checked`)].map((box) => ({
    id: box.value,
    label: box.labels[0].textContent.trim(),
  }));

  const status = element("div", { class: "govuk-visually-hidden", role: "status" });
  const list = element("ul", { class: "govuk-list app-picker__chosen", "aria-label": `Chosen: ${noun}` });
  root.querySelector(".app-picker__options")?.remove();

  const focusInput = () => root.querySelector(".autocomplete__input")?.focus();

  function render() {
    list.replaceChildren(
      ...chosen.map((item) => {
        const remove = element(
          "button",
          { type: "button", class: "govuk-button govuk-button--secondary app-picker__remove", "data-module": "govuk-button" },
          "Remove",
          element("span", { class: "govuk-visually-hidden" }, ` ${item.label}`),
        );
        remove.addEventListener("click", () => {
          chosen.splice(chosen.indexOf(item), 1);
          render();
          status.textContent = `${item.label} removed`;
          focusInput();
        });
        return element(
          "li",
          { class: "app-picker__item" },
          element("span", { class: "app-picker__label" }, item.label),
          remove,
          element("input", { type: "hidden", name, value: item.id }),
        );
      }),
    );
    list.hidden = chosen.length === 0;
  }

  function choose(option) {
    if (!option) return;
    const id = String(option.id);
    if (chosen.some((item) => item.id === id)) {
      status.textContent = `${option.label} is already chosen`;
      return;
    }
    if (!multiple) chosen.length = 0;
    chosen.push({ id, label: option.label });
    render();
    status.textContent = `${option.label} chosen`;
  }

  const holder = element("div", { class: "app-picker__search" });
  input.replaceWith(holder);
  root.prepend(list);
  root.append(status);
  render();

  window.accessibleAutocomplete({
    element: holder,
    id: input.id,
    name: input.name,
    defaultValue: input.value,
    source: searcher(root.dataset.searchUrl),
    minLength: 1,
    autoselect: false,
    confirmOnBlur: false,
    showNoOptionsFound: true,
    displayMenu: "overlay",
    // The box empties once a record is chosen: the chosen list shows it.
    templates: {
      inputValue: () => "",
      suggestion: (option) => (typeof option === "string" ? option : option?.label ?? ""),
    },
    onConfirm: choose,
    tNoResults: () => `No ${noun} found`,
    tStatusQueryTooShort: () => `Type to find a ${noun}`,
  });
  const field = root.querySelector(".autocomplete__input");
  if (field && input.getAttribute("aria-describedby")) {
    // The hint and any error stay tied to the box, beside the autocomplete's own help.
    const own = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", [input.getAttribute("aria-describedby"), own].filter(Boolean).join(" "));
  }
  if (input.classList.contains("govuk-input--error")) field?.classList.add("autocomplete__input--error");
}

export function initPickers(scope = document) {
  if (typeof window.accessibleAutocomplete !== "function") return;
  scope.querySelectorAll('[data-module="app-picker"]').forEach(initPicker);
}

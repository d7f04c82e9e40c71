// A 45-number picker: toggle buttons in a grid, one tab stop, arrow keys move between numbers.

import { colourOf, h } from "./ui.js";

export class NumberGrid {
  /**
   * @param {HTMLElement} container
   * @param {{stateOf: (n: number) => string, describe: (n: number, state: string) => string,
   *          onPick: (n: number) => void}} behaviour
   *   stateOf gives "" or a state name shown as a class; onPick is called on a tap or key press.
   */
  constructor(container, behaviour) {
    this.container = container;
    this.behaviour = behaviour;
    this.focused = 1;
    this.buttons = [];
    for (let number = 1; number <= 45; number += 1) {
      const button = h(
        "button",
        { type: "button", class: `cell cell-${colourOf(number)}`, "data-number": number, tabindex: number === 1 ? 0 : -1 },
        String(number),
      );
      button.addEventListener("click", () => {
        this.focused = number;
        behaviour.onPick(number);
      });
      this.buttons.push(button);
    }
    container.replaceChildren(...this.buttons);
    container.addEventListener("keydown", (event) => this.onKey(event));
    this.refresh();
  }

  refresh() {
    for (const button of this.buttons) {
      const number = Number(button.dataset.number);
      const state = this.behaviour.stateOf(number);
      button.className = `cell cell-${colourOf(number)}${state ? ` cell-${state}` : ""}`;
      button.setAttribute("aria-pressed", state ? "true" : "false");
      button.setAttribute("aria-label", this.behaviour.describe(number, state));
      button.tabIndex = number === this.focused ? 0 : -1;
    }
  }

  columns() {
    return getComputedStyle(this.container).gridTemplateColumns.split(" ").length || 7;
  }

  onKey(event) {
    const steps = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: this.columns(), ArrowUp: -this.columns() };
    let target = null;
    if (event.key in steps) target = this.focused + steps[event.key];
    else if (event.key === "Home") target = 1;
    else if (event.key === "End") target = 45;
    if (target === null) return;
    event.preventDefault();
    this.focused = Math.min(45, Math.max(1, target));
    this.refresh();
    this.buttons[this.focused - 1].focus();
  }
}

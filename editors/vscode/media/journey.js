// The journey panel's page: draws the Mermaid text the extension posts with the Mermaid
// bundled in the extension (media/vendor/mermaid.min.js, nothing from the network) and
// reports clicks on step nodes back to the extension, which opens the step's definition.
"use strict";

(function () {
  const vscode = acquireVsCodeApi();
  const diagram = document.getElementById("diagram");
  const status = document.getElementById("status");
  const title = document.getElementById("title");
  const subtitle = document.getElementById("subtitle");
  const dark = document.body.classList.contains("vscode-dark") || document.body.classList.contains("vscode-high-contrast");
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: "strict",
    theme: dark ? "dark" : "default",
    flowchart: { useMaxWidth: true },
  });

  let renders = 0;

  // The node a Mermaid flowchart element stands for: its data-id, else the id Mermaid gives
  // the element ("...flowchart-<node>-<n>").
  function nodeOf(element) {
    if (element.dataset && element.dataset.id) {
      return element.dataset.id;
    }
    const match = /flowchart-(.+)-\d+$/.exec(element.id || "");
    return match ? match[1] : undefined;
  }

  async function render(message) {
    const id = "journey" + ++renders;
    title.textContent = message.title;
    subtitle.textContent = message.subtitle;
    try {
      const { svg } = await mermaid.render(id, message.mermaid);
      if (id !== "journey" + renders) {
        return; // a newer drawing is on its way
      }
      diagram.innerHTML = svg;
    } catch (error) {
      status.textContent = "Mermaid could not draw this journey: " + error;
      vscode.postMessage({ type: "error", message: String(error) });
      return;
    }
    const steps = new Set(message.steps);
    let linked = 0;
    for (const element of diagram.querySelectorAll("g.node")) {
      const node = nodeOf(element);
      if (!node || !steps.has(node)) {
        continue;
      }
      linked++;
      element.classList.add("b2c-step");
      element.setAttribute("tabindex", "0");
      element.setAttribute("role", "link");
      element.dataset.step = node;
      const open = () => vscode.postMessage({ type: "openStep", node });
      element.addEventListener("click", open);
      element.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          open();
        }
      });
    }
    status.textContent = `${linked} steps`;
    document.body.dataset.rendered = String(renders);
    vscode.postMessage({ type: "rendered", steps: linked });
  }

  window.addEventListener("message", (event) => {
    const message = event.data;
    if (message && message.type === "render") {
      void render(message);
    }
  });
  vscode.postMessage({ type: "ready" });
})();

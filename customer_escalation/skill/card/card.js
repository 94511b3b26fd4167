// The escalation card: renders the structured content of escalation_brief_show and lets a person
// preview a next step, then execute it after a confirmation. It talks to its host only through
// JSON-RPC over postMessage (MCP Apps); every text from a record is set with textContent.
(() => {
  "use strict";
  const PROTOCOL_VERSION = "2026-01-26";
  const PREVIEW_TOOL = "escalation_step_preview";
  const EXECUTE_TOOL = "escalation_step_execute";
  const host = window.parent;
  const pending = new Map();
  let nextId = 1;
  let card = null;
  let confirming = null;

  const $ = (id) => document.getElementById(id);

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function send(message) {
    host.postMessage(Object.assign({ jsonrpc: "2.0" }, message), "*");
  }

  function request(method, params) {
    const id = nextId++;
    send({ id, method, params });
    return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
  }

  function announce(text) {
    $("alert").textContent = "";
    $("status").textContent = text;
  }

  function warn(text) {
    $("alert").textContent = text;
  }

  function resultText(result) {
    const first = (result && result.content || []).find((c) => c.type === "text");
    return first ? first.text : "no details";
  }

  async function callTool(name, args) {
    const result = await request("tools/call", { name, arguments: args });
    if (result.isError) throw new Error(resultText(result));
    return result.structuredContent || {};
  }

  // -- rendering ------------------------------------------------------------------------------

  function addPair(list, label, value) {
    if (value === undefined || value === null || value === "") return;
    list.append(element("dt", label), element("dd", value));
  }

  function render(view) {
    card = view;
    $("escalation-id").textContent = view.escalation_id;
    $("decision").textContent = view.decision === "escalate" ? "Escalate" : "Handle in support";
    $("summary").textContent = view.summary;
    const facts = $("facts");
    facts.replaceChildren();
    addPair(facts, "Severity", view.severity_note ? `${view.severity} (${view.severity_note})` : view.severity);
    addPair(facts, "Target", view.target);
    addPair(facts, "SLA", view.sla);
    addPair(facts, "Deadline", view.deadline);
    addPair(facts, "Status", view.status);
    const figures = $("figures");
    figures.replaceChildren();
    for (const figure of view.figures || []) addPair(figures, figure.label, figure.value);
    $("records").replaceChildren(...(view.records || []).map(recordItem));
    $("steps").replaceChildren(...(view.steps || []).map(stepItem));
    $("card").setAttribute("aria-busy", "false");
  }

  function recordItem(record) {
    const item = element("li");
    item.append(element("span", record.label));
    if (record.ref) item.append(element("span", record.ref, "ref"));
    if (record.url) {
      const open = element("button", "Open", "link");
      open.type = "button";
      open.setAttribute("aria-label", `Open ${record.label}`);
      open.addEventListener("click", () => request("ui/open-link", { url: record.url }).catch(() => {}));
      item.append(open);
    }
    return item;
  }

  function stepItem(step) {
    const item = element("li");
    item.dataset.step = step.step;
    const head = element("div", null, "step-head");
    const title = element("span", step.label, "step-title");
    title.id = `step-${step.step}`;
    const preview = element("button", "Preview");
    preview.type = "button";
    preview.className = "preview-button";
    preview.setAttribute("aria-describedby", title.id);
    preview.disabled = !step.available;
    head.append(title, preview);
    item.append(head);
    if (!step.available && step.reason) item.append(element("p", step.reason, "why"));
    const panel = element("div", null, "preview");
    panel.hidden = true;
    panel.setAttribute("aria-labelledby", title.id);
    panel.setAttribute("role", "group");
    item.append(panel);
    preview.addEventListener("click", () => showPreview(step, panel, preview));
    return item;
  }

  // -- preview and execute --------------------------------------------------------------------

  async function showPreview(step, panel, button) {
    button.disabled = true;
    announce(`Previewing the ${step.title}…`);
    try {
      const shown = await callTool(PREVIEW_TOOL, { escalation_id: card.escalation_id, step: step.step });
      fillPreview(step, panel, shown);
      announce(`Preview of the ${step.title} ready. Nothing was sent.`);
    } catch (error) {
      warn(`Preview failed: ${error.message}`);
    } finally {
      button.disabled = false;
    }
  }

  function fillPreview(step, panel, shown) {
    panel.replaceChildren();
    panel.append(element("p", `Where: ${shown.where || "not available"}`));
    if (shown.redaction) panel.append(element("p", `Redaction: ${shown.redaction}`));
    if (shown.content) panel.append(element("pre", shown.content));
    for (const line of [shown.note, shown.detail]) if (line) panel.append(element("p", line));
    if (shown.refusal) panel.append(element("p", `Would be refused: ${shown.refusal}`, "why"));
    if (shown.preview_token) {
      const execute = element("button", "Execute…", "danger execute-button");
      execute.type = "button";
      execute.addEventListener("click", () => askToConfirm(step, shown, panel, execute));
      panel.append(execute);
    }
    panel.hidden = false;
  }

  function askToConfirm(step, shown, panel, button) {
    confirming = { step, shown, panel, button };
    $("confirm-text").textContent = `Send the ${step.title} to ${shown.where}, exactly as previewed?`;
    $("confirm").showModal();
    $("confirm-cancel").focus();
  }

  function closeConfirm() {
    const open = confirming;
    confirming = null;
    $("confirm").close();
    if (open && open.button.isConnected) open.button.focus();
    return open;
  }

  async function execute() {
    const open = closeConfirm();
    if (!open) return;
    open.button.disabled = true;
    announce(`Sending the ${open.step.title}…`);
    try {
      const done = await callTool(EXECUTE_TOOL, { preview_token: open.shown.preview_token });
      open.button.remove();
      open.panel.append(element("p", `Done: ${done.detail || done.status}`, "outcome"));
      announce(`The ${open.step.title} is done: ${done.detail || done.status}.`);
      tellModel(`${card.escalation_id}: the ${open.step.title} was ${done.status} by the user from the card: ${done.detail || ""}`);
    } catch (error) {
      warn(`Not sent: ${error.message}`);
    }
  }

  function tellModel(text) {
    request("ui/update-model-context", { content: [{ type: "text", text }] }).catch(() => {});
  }

  // -- the host -------------------------------------------------------------------------------

  function onMessage(event) {
    if (event.source !== host) return;
    const message = event.data;
    if (!message || message.jsonrpc !== "2.0") return;
    if (message.id !== undefined && !message.method && pending.has(message.id)) {
      const { resolve, reject } = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) reject(new Error(message.error.message || "request failed"));
      else resolve(message.result);
    } else if (message.method === "ui/notifications/tool-result") {
      const view = message.params && message.params.structuredContent;
      if (view && view.escalation_id) render(view);
      else if (message.params && message.params.isError) warn(resultText(message.params));
    }
  }

  async function start() {
    window.addEventListener("message", onMessage);
    $("confirm-cancel").addEventListener("click", closeConfirm);
    $("confirm-send").addEventListener("click", execute);
    $("confirm").addEventListener("cancel", (event) => { event.preventDefault(); closeConfirm(); });
    await request("ui/initialize", {
      protocolVersion: PROTOCOL_VERSION,
      appInfo: { name: "customer-escalation-card", version: "1" },
      appCapabilities: {},
    });
    send({ method: "ui/notifications/initialized", params: {} });
  }

  start().catch((error) => warn(`The card could not connect to its host: ${error.message}`));
})();

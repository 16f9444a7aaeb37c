// The WebChat page: plain browser WebSocket, no framework. The server pushes JSON events:
// {type:"welcome", session, user}, {type:"message", user, text}, {type:"presence"} (the session list changed).
"use strict";

const $ = (id) => document.getElementById(id);
let socket = null;
let admin = false;

async function start() {
  const me = await fetch("/api/me");
  if (me.status === 401) {
    $("login").hidden = false;
    return;
  }

  const user = await me.json();
  admin = user.admin;
  document.body.classList.toggle("admin", admin);
  $("me").textContent = user.name;
  $("chat").hidden = false;
  connect();
  await refreshSessions();
}

function connect() {
  // A named tab (?resource=main) binds that resource: opening it again elsewhere replaces this one.
  const resource = new URLSearchParams(location.search).get("resource");
  const url = new URL("/ws/chat", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  if (resource) url.searchParams.set("resource", resource);
  socket = new WebSocket(url);
  socket.onopen = () => setStatus("open", "open");
  socket.onmessage = (event) => handle(JSON.parse(event.data));
  // The close event carries what SessionKit said: a 4000-range code and "condition: text".
  socket.onclose = (event) => {
    setStatus("closed", `closed ${event.code} ${event.reason}`);
    refreshSessions();
  };
}

function handle(event) {
  if (event.type === "welcome") {
    $("my-session").textContent = String(event.session);
    refreshSessions();
  } else if (event.type === "presence") {
    refreshSessions();
  } else if (event.type === "message") {
    const item = document.createElement("li");
    item.textContent = `${event.user}: ${event.text}`;
    $("messages").append(item);
  }
}

function setStatus(state, text) {
  $("status").className = state;
  $("status").textContent = text;
}

async function refreshSessions() {
  const response = await fetch("/api/sessions");
  if (!response.ok) return;
  const sessions = await response.json();
  const body = $("sessions").querySelector("tbody");
  body.replaceChildren(...sessions.map(row));
}

function row(session) {
  const tr = document.createElement("tr");
  tr.dataset.session = String(session.id);
  for (const value of [session.id, session.user, session.type, session.peer ?? "", session.resource ?? ""]) {
    const td = document.createElement("td");
    td.textContent = String(value);
    tr.append(td);
  }

  const kick = document.createElement("td");
  kick.className = "admin-only";
  if (admin) {
    const button = document.createElement("button");
    button.textContent = "kick";
    button.className = "kick";
    button.onclick = () => fetch(`/api/sessions/${session.id}/kick`, { method: "POST" });
    kick.append(button);
  }

  tr.append(kick);
  return tr;
}

$("say").addEventListener("submit", (event) => {
  event.preventDefault();
  if (socket && socket.readyState === WebSocket.OPEN && $("text").value) {
    socket.send($("text").value);
    $("text").value = "";
  }
});

start();

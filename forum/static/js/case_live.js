// A case page, live: new replies appear without reloading, and the count of colleagues viewing it.
(function () {
  "use strict";
  var box = document.getElementById("case-live");
  var replies = document.getElementById("replies");
  if (!box || !replies || typeof io === "undefined") return;
  var room = box.dataset.room;
  var viewers = document.getElementById("case-viewers");

  function say(template, values) {
    Object.keys(values).forEach(function (key) { template = template.replace("{" + key + "}", values[key]); });
    return template;
  }

  var socket = io("/chat", { transports: ["websocket", "polling"] });
  socket.on("connect", function () {
    socket.emit("join", { room: room, after: 2147483647 }, function (ack) {
      if (ack && ack.ok) viewers.textContent = say(box.dataset.textViewers, { count: ack.viewers });
    });
  });
  socket.on("presence", function (event) {
    if (event.room === room) viewers.textContent = say(box.dataset.textViewers, { count: event.viewers });
  });
  socket.on("reply", function (reply) {
    if (reply.room !== room || document.getElementById("post-" + reply.post_id)) return;
    var article = document.createElement("article");
    article.id = "post-" + reply.post_id;
    article.className = "post live";
    var header = document.createElement("header");
    header.className = "meta";
    header.textContent = say(box.dataset.textNewReply, { author: reply.author });
    var body = document.createElement("div");
    body.className = "post-body";
    body.innerHTML = reply.body_html; // rendered and sanitized on the server
    article.append(header, body);
    replies.append(article);
  });
})();

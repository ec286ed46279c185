// Follow-up questions (the BAM's heavy-drinking days and kinds of drugs) are shown only when the
// answer they follow is more than 0, as the questionnaire asks them. Hidden ones are disabled, so
// they are not sent (the server ignores them after a 0 anyway). Without JavaScript every question
// shows, each follow-up saying when it is asked.
(function () {
  "use strict";
  function update(block, gate) {
    var value = gate.value.trim();
    var asked = /^\d+$/.test(value) && Number(value) > 0;
    block.hidden = !asked;
    block.querySelectorAll("input, select, textarea").forEach(function (input) {
      input.disabled = !asked;
    });
  }
  document.querySelectorAll("[data-follows]").forEach(function (block) {
    var gate = document.querySelector('[name="' + block.getAttribute("data-follows") + '"]');
    if (!gate) return;
    update(block, gate);
    gate.addEventListener("input", function () { update(block, gate); });
  });
})();

// Local Offer search with JavaScript on: htmx swaps in new results as filters change (history kept);
// this tells screen reader users the new count. Without JavaScript the form submits as usual.
document.body.addEventListener("htmx:afterSettle", function (event) {
  if (event.detail.target.id !== "results") return;
  var count = document.getElementById("results-count");
  var status = document.getElementById("results-status");
  if (count && status) status.textContent = count.textContent;
});

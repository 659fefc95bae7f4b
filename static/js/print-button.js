// The class list's « Imprimer » button: shown only when scripts run; without them, the hint
// beside it says to use the browser's printing.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
  const hint = button.parentElement.querySelector("[data-print-hint]");
  if (hint) hint.hidden = true;
});

// Copy buttons: <button data-copy="ID"> copies the value of the field with that id.
"use strict";
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  field.select();
  const said = (text) => {
    button.textContent = text;
    setTimeout(() => { button.textContent = "Copy"; }, 2500);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(() => said("Copied"), () => said("Press Ctrl+C"));
  } else {
    // Plain http on another host: no clipboard API; the link is selected for the keyboard.
    said(document.execCommand && document.execCommand("copy") ? "Copied" : "Press Ctrl+C");
  }
});

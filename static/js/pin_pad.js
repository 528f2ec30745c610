// The PIN pad (templates/touchpoints/_pin_pad.html): taps on the keys type into the PIN field.
// With the pad working, the tablet's own keyboard stays down (inputmode none); a hardware
// keyboard still types into the field and Enter still sends it.
document.querySelectorAll("[data-pin-pad]").forEach((pad) => {
  const field = pad.querySelector("input[name=pin]");
  field.setAttribute("inputmode", "none");
  pad.addEventListener("click", (event) => {
    const key = event.target.closest("[data-key]");
    if (key && field.value.length < 6) field.value += key.dataset.key;
    if (event.target.closest("[data-delete]")) field.value = field.value.slice(0, -1);
  });
  // Served disabled (_pin_pad.html): a key tapped before this listener existed would have
  // been dropped, and the PIN sent one digit short.
  pad.querySelectorAll("[data-key], [data-delete]").forEach((key) => { key.disabled = false; });
});

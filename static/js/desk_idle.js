// A desk tablet left alone goes back to the desk screen: no touch, key or scroll for the
// idle time signs the person out (the "Switch person" form). The server refuses the session
// after that time too (touchpoints/people/desk_idle.py), should this page not run.
(() => {
  const seconds = Number(document.currentScript.dataset.idleSeconds);
  const form = document.querySelector("form.logout");
  if (!form || !seconds) return;
  let timer;
  // form.submit() skips the "moments not sent yet" question: nobody is there to answer it.
  const restart = () => { clearTimeout(timer); timer = setTimeout(() => form.submit(), seconds * 1000); };
  ["pointerdown", "keydown", "input", "scroll"].forEach((type) => addEventListener(type, restart, true));
  restart();
})();

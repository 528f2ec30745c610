// A desk tablet left alone goes back to the desk screen: no touch, key or scroll for the
// idle time signs the person out (the "Switch person" form). The server refuses the session
// after that time too (touchpoints/people/desk_idle.py), should this page not run.
(() => {
  const seconds = Number(document.currentScript.dataset.idleSeconds);
  const form = document.querySelector("form.logout");
  if (!form || !seconds) return;
  const leave = async () => {
    // As the sign-out button does (log.js): the kept copy of their screens goes with them.
    if (window.caches) for (const key of await caches.keys()) await caches.delete(key);
    // submit() skips the "moments not sent yet" question: nobody is there to answer it.
    form.dataset.confirmed = "1";
    form.submit();
  };
  let timer;
  const restart = () => { clearTimeout(timer); timer = setTimeout(leave, seconds * 1000); };
  ["pointerdown", "keydown", "input", "scroll"].forEach((type) => addEventListener(type, restart, true));
  restart();
})();

// On a phone the main menu folds to the items pinned for the officer's role (see
// app/navigation.py) and a "Menu" button opens the rest. Without this script every item
// stays shown, so nothing is out of reach.
document.addEventListener("DOMContentLoaded", () => {
  const nav = document.getElementById("mainnav");
  const toggle = nav && nav.querySelector(".menu-toggle");
  if (!toggle) return;
  nav.classList.add("foldable");
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
    // the page's language: both labels come from the button (templates/base.html)
    toggle.textContent = open ? toggle.dataset.closeLabel : toggle.dataset.openLabel;
  });
});

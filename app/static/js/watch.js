// "Watch an entity": as the officer types a name, register number or phone, the entities
// they may see that match are offered in the field's list (the explorer's search,
// need-to-know included). Picking one puts its register number, or its name, in the field;
// the page finds the entity from it, or lists the ones it may mean. Without this script the
// same typing works, one submit later.
document.addEventListener("DOMContentLoaded", () => {
  const list = document.getElementById("watch-entities");
  const input = list && document.querySelector(`input[list="${list.id}"]`);
  if (!input) return;
  let timer = null;
  let asked = "";
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2 || q === asked) return;
    timer = window.setTimeout(() => {
      asked = q;
      const url = `${list.dataset.search}?q=${encodeURIComponent(q)}`;
      window.fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : { entities: [] }))
        .then((found) => {
          if (input.value.trim() !== q) return; // the officer typed on
          list.replaceChildren(...(found.entities || []).map((e) => {
            const option = document.createElement("option");
            option.value = e.ref || e.name || e.id;
            option.label = e.ref && e.ref !== e.name ? `${e.name} · ${e.ref}` : (e.name || e.id);
            return option;
          }));
        })
        .catch(() => list.replaceChildren());
    }, 250);
  });
});

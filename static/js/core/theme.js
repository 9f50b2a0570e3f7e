// The colour theme, set on <html data-theme="light|dark"> before the page paints (a
// classic script in <head>, not a module, so it runs first): the system's choice, and
// following it when it changes, unless the user picked light or dark with the top bar's
// switch (kept in this browser), or an embed's link says theme=dark or theme=light.
// base.css holds both palettes.

(() => {
  const KEY = 'convviz-theme';
  const CHOICES = ['system', 'light', 'dark'];
  const root = document.documentElement;
  const fromLink = new URLSearchParams(window.location.search).get('theme');
  const stored = () => { try { return localStorage.getItem(KEY) || 'system'; } catch { return 'system'; } };
  const system = window.matchMedia('(prefers-color-scheme: dark)');
  let current = CHOICES.includes(fromLink) ? fromLink : stored();
  const apply = (choice) => {
    current = choice;
    root.dataset.theme = choice === 'system' ? (system.matches ? 'dark' : 'light') : choice;
  };
  apply(current);
  system.addEventListener('change', () => { if (current === 'system') apply('system'); });

  const label = (choice) => ({
    system: 'Theme: as the system', light: 'Theme: light', dark: 'Theme: dark',
  }[choice]);
  document.addEventListener('DOMContentLoaded', () => {
    const button = document.querySelector('[data-theme-switch]');
    if (!button) return;
    let choice = CHOICES.includes(fromLink) ? fromLink : stored();
    const show = () => {
      button.textContent = { system: '◐ Auto', light: '☀ Light', dark: '☾ Dark' }[choice];
      button.setAttribute('aria-label', `${label(choice)} (switch)`);
      button.title = `${label(choice)}: click for the next (system, light, dark)`;
      button.dataset.choice = choice;
    };
    show();
    button.addEventListener('click', () => {
      choice = CHOICES[(CHOICES.indexOf(choice) + 1) % CHOICES.length];
      try { localStorage.setItem(KEY, choice); } catch { /* private mode: this page only */ }
      apply(choice);
      show();
      window.dispatchEvent(new CustomEvent('convviz-theme', { detail: choice }));
    });
  });
})();

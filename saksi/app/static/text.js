// Text a reader can trust, as saksi/text.py shows it: a character that would make
// text display as something else (a bidirectional control, an invisible character, a
// control character, a line or paragraph separator, a noncharacter) is shown as a
// visible [U+XXXX]; line feeds stay. Every text node ui.js makes goes through shown().
// The classes are Python's: tests/app/test_text.py checks that they are the same.

const UNSAFE = new RegExp("[" +
  "\u{0}-\u{9}\u{B}-\u{1F}\u{7F}-\u{9F}\u{AD}\u{34F}\u{61C}" +
  "\u{115F}-\u{1160}\u{17B4}-\u{17B5}\u{180B}-\u{180F}\u{200B}-\u{200F}" +
  "\u{2028}-\u{202E}\u{2060}-\u{206F}\u{3164}\u{FDD0}-\u{FDEF}" +
  "\u{FE00}-\u{FE0F}\u{FEFF}\u{FFA0}\u{FFF0}-\u{FFFB}\u{FFFE}-\u{FFFF}" +
  "\u{1BCA0}-\u{1BCA3}\u{1D173}-\u{1D17A}\u{1FFFE}-\u{1FFFF}" +
  "\u{2FFFE}-\u{2FFFF}\u{3FFFE}-\u{3FFFF}\u{4FFFE}-\u{4FFFF}" +
  "\u{5FFFE}-\u{5FFFF}\u{6FFFE}-\u{6FFFF}\u{7FFFE}-\u{7FFFF}" +
  "\u{8FFFE}-\u{8FFFF}\u{9FFFE}-\u{9FFFF}\u{AFFFE}-\u{AFFFF}" +
  "\u{BFFFE}-\u{BFFFF}\u{CFFFE}-\u{CFFFF}\u{DFFFE}-\u{E0FFF}" +
  "\u{EFFFE}-\u{EFFFF}\u{FFFFE}-\u{FFFFF}\u{10FFFE}-\u{10FFFF}" +
  "]", "gu");

function visible(char) {
  return `[U+${char.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}]`;
}

/** ``text`` as it may be shown. */
export function shown(text) {
  return text.replace(UNSAFE, visible);
}

const UNSAFE_ANY = new RegExp(UNSAFE.source, "u");
const EDGE_SPACE = /^\s|\s$/u;

/** Whether the service would refuse ``text`` in a statement (saksi/text.py's
 * text_problem, the intake policy of docs/format.md "Text a reader can trust"): one of
 * the classes above, a line feed (a control character too), or whitespace at an end. */
export function refused(text) {
  return UNSAFE_ANY.test(text) || text.includes("\n") || EDGE_SPACE.test(text);
}

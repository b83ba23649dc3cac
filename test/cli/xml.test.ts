import { findAll, parseXml, textOf } from "./xml";

/** The SVG checks are only as strict as this reader: it must reject what a browser's XML parser rejects. */
test.each([
  ["<svg><g></svg>", /<\/svg> closes <g>/],
  ["<svg><g>", /<g> is never closed/],
  ["<svg>a & b</svg>", /stray "&"/],
  ["<svg>&nbsp;</svg>", /unknown entity &nbsp;/],
  ['<svg x="1" x="2"/>', /attribute x repeated/],
  ["<svg x=1/>", /malformed start tag/],
  ["<svg/><svg/>", /exactly one root element/],
  ["<svg><!-- open </svg>", /no closing -->/],
])("rejects %s", (xml, why) => {
  expect(() => parseXml(xml)).toThrow(why);
});

test("reads declarations, doctype, comments, attributes and entities", () => {
  const doc = parseXml(
    `<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n "x.dtd">\n<!-- c -->\n<svg a='1' b="x&amp;y"><title>a&#45;&gt;b</title><g/></svg>\n`,
  );
  expect(doc.attrs).toEqual({ a: "1", b: "x&y" });
  expect(findAll(doc, (e) => e.name === "title").map(textOf)).toEqual(["a->b"]);
});

#!/usr/bin/env node
// Draws Campaign Tray's icons and writes them as PNG files into build/, with no tools beyond Node:
// shapes are signed-distance functions (smooth edges at any size), the PNG encoder is zlib.
//   build/icon.png                 1024×1024 app icon (electron-builder derives .icns and .ico from it)
//   build/tray.png, tray@2x.png    32/64 px colour tray icon for Windows and Linux panels
//   build/trayTemplate(@2x).png    16/32 px black-and-alpha menu bar icon for macOS
// Run: node scripts/make-icons.mjs
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const outDir = path.resolve(import.meta.dirname, '..', 'build');

// ---- PNG -------------------------------------------------------------------------------------

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** rgba: straight (not premultiplied) 8-bit RGBA, row by row. */
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  const stride = size * 4;
  const raw = Buffer.alloc((stride + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- shapes (unit square, y down) ------------------------------------------------------------

function roundRect(x, y, cx, cy, hw, hh, r) {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

function segment(x, y, ax, ay, bx, by) {
  const px = x - ax;
  const py = y - ay;
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - dx * t, py - dy * t);
}

/** Coverage of a shape at a pixel from its distance (in unit coordinates) and the pixel size. */
const cover = (d, px) => Math.max(0, Math.min(1, 0.5 - d / px));

function mix(a, b, t) {
  return a.map((v, i) => v + (b[i] - v) * t);
}

/** Paints each pixel from a list of [coverage, [r, g, b]] layers, bottom first ("over"). */
function render(size, layersAt) {
  const out = Buffer.alloc(size * size * 4);
  const px = 1 / size;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const x = (i + 0.5) * px;
      const y = (j + 0.5) * px;
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (const [c, rgb] of layersAt(x, y, px)) {
        if (c <= 0) continue;
        r = rgb[0] * c + r * (1 - c);
        g = rgb[1] * c + g * (1 - c);
        b = rgb[2] * c + b * (1 - c);
        a = c + a * (1 - c);
      }
      const o = (j * size + i) * 4;
      out[o] = a > 0 ? Math.round(r / a) : 0;
      out[o + 1] = a > 0 ? Math.round(g / a) : 0;
      out[o + 2] = a > 0 ? Math.round(b / a) : 0;
      out[o + 3] = Math.round(a * 255);
    }
  }
  return out;
}

// ---- the designs -----------------------------------------------------------------------------

const TOP = [86, 132, 245];
const BOTTOM = [38, 74, 196];
const WHITE = [255, 255, 255];
const clamp01 = (v) => Math.max(0, Math.min(1, v));

/** An envelope over an inbox tray, in tile coordinates (0..1); distances < 0 are inside. */
function shapes(u, v, stroke, trayStroke = 2 * stroke) {
  const envelope = roundRect(u, v, 0.5, 0.42, 0.28, 0.19, 0.04);
  const flap = Math.min(segment(u, v, 0.25, 0.27, 0.5, 0.47), segment(u, v, 0.75, 0.27, 0.5, 0.47)) - stroke / 2;
  const tray = Math.min(
    segment(u, v, 0.17, 0.79, 0.83, 0.79),
    segment(u, v, 0.17, 0.79, 0.17, 0.67),
    segment(u, v, 0.83, 0.79, 0.83, 0.67),
  );
  return { envelope, flap, tray: tray - trayStroke / 2 };
}

/** A blue tile with a white envelope and tray. margin: space around the tile (platform grids differ). */
function colourIcon(margin) {
  const span = 1 - 2 * margin;
  return (x, y, px) => {
    const u = (x - margin) / span;
    const v = (y - margin) / span;
    const p = px / span;
    const stroke = Math.max(0.04, 1.6 * p);
    const s = shapes(u, v, stroke);
    const tile = cover(roundRect(u, v, 0.5, 0.5, 0.5, 0.5, 0.225), p);
    const shade = mix(TOP, BOTTOM, clamp01(v));
    return [
      [tile, shade],
      [Math.min(tile, cover(s.envelope, p)), WHITE],
      [Math.min(cover(s.envelope, p), cover(s.flap, p)), shade],
      [Math.min(tile, cover(s.tray, p)), WHITE],
    ];
  };
}

/** macOS menu bar: the outline of the same envelope and tray, black with alpha only. */
function templateIcon() {
  return (x, y, px) => {
    // About one point wide at 1x and 2x, so the shape stays crisp in the menu bar.
    const stroke = Math.max(0.06, px);
    const s = shapes(x, y, stroke, stroke * 1.4);
    const outline = Math.abs(s.envelope) - stroke / 2;
    return [[Math.max(cover(Math.min(outline, s.flap), px), cover(s.tray, px)), [0, 0, 0]]];
  };
}

const outputs = [
  ['icon.png', 1024, colourIcon(0.098)],
  ['tray.png', 32, colourIcon(0.02)],
  ['tray@2x.png', 64, colourIcon(0.02)],
  ['trayTemplate.png', 16, templateIcon()],
  ['trayTemplate@2x.png', 32, templateIcon()],
];

fs.mkdirSync(outDir, { recursive: true });
for (const [name, size, design] of outputs) {
  const file = path.join(outDir, name);
  fs.writeFileSync(file, encodePng(size, render(size, design)));
  console.log(`${path.relative(process.cwd(), file)}  ${size}×${size}`);
}

#!/usr/bin/env python3
"""Render a terminal capture with colours (`tmux capture-pane -e -p`) to a PNG.

Usage: ansi2png.py CAPTURE.txt OUT.png [--cols N --rows N]

Writes an ImageMagick MVG drawing (no Python packages needed) and runs `convert` on it.
Block and box-drawing characters are drawn as rectangles and lines so bars and graphs join
up without gaps, the way a terminal shows them; everything else is drawn with DejaVu Sans Mono.
"""
import re
import subprocess
import sys
import tempfile

CELL_W, CELL_H = 10, 20
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
POINTSIZE = 16.6  # DejaVu Sans Mono advances 0.602 em: 10 px per cell
DEFAULT_FG = (0xd0, 0xd0, 0xd0)
DEFAULT_BG = (0x1c, 0x1c, 0x1c)
BASE16 = [
    (0x1c, 0x1c, 0x1c), (0xe0, 0x6c, 0x75), (0x98, 0xc3, 0x79), (0xe5, 0xc0, 0x7b),
    (0x61, 0xaf, 0xef), (0xc6, 0x78, 0xdd), (0x56, 0xb6, 0xc2), (0xd0, 0xd0, 0xd0),
    (0x5c, 0x63, 0x70), (0xff, 0x7b, 0x86), (0xb5, 0xe8, 0x90), (0xff, 0xd6, 0x8a),
    (0x82, 0xc8, 0xff), (0xde, 0x9b, 0xf0), (0x7f, 0xd8, 0xe4), (0xff, 0xff, 0xff),
]


def xterm256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[n // 6 % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return (v, v, v)


class Attr:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = self.dim = self.reverse = self.underline = False

    def copy(self):
        a = Attr()
        a.__dict__.update(self.__dict__)
        return a

    def apply(self, params):
        ps = [int(p) if p else 0 for p in params.split(";")] if params else [0]
        i = 0
        while i < len(ps):
            p = ps[i]
            if p == 0:
                self.reset()
            elif p == 1:
                self.bold = True
            elif p == 2:
                self.dim = True
            elif p == 4:
                self.underline = True
            elif p == 7:
                self.reverse = True
            elif p == 22:
                self.bold = self.dim = False
            elif p == 24:
                self.underline = False
            elif p == 27:
                self.reverse = False
            elif 30 <= p <= 37:
                self.fg = xterm256(p - 30)
            elif p == 39:
                self.fg = None
            elif 40 <= p <= 47:
                self.bg = xterm256(p - 40)
            elif p == 49:
                self.bg = None
            elif 90 <= p <= 97:
                self.fg = xterm256(p - 90 + 8)
            elif 100 <= p <= 107:
                self.bg = xterm256(p - 100 + 8)
            elif p in (38, 48) and i + 1 < len(ps):
                if ps[i + 1] == 5 and i + 2 < len(ps):
                    colour = xterm256(ps[i + 2])
                    i += 2
                elif ps[i + 1] == 2 and i + 4 < len(ps):
                    colour = tuple(ps[i + 2:i + 5])
                    i += 4
                else:
                    colour = None
                if p == 38:
                    self.fg = colour
                else:
                    self.bg = colour
                i += 1
            i += 1

    def colours(self):
        fg = self.fg or DEFAULT_FG
        bg = self.bg or DEFAULT_BG
        if self.reverse:
            fg, bg = bg, fg
        if self.bold and self.fg is not None and self.fg in BASE16[:8]:
            fg = BASE16[BASE16.index(self.fg) + 8]
        if self.dim:
            fg = tuple((f + b) // 2 for f, b in zip(fg, bg))
        return fg, bg


SGR = re.compile(r"\x1b\[([0-9;]*)m")


def parse(text, cols, rows):
    grid = [[(" ", Attr()) for _ in range(cols)] for _ in range(rows)]
    attr = Attr()
    for y, line in enumerate(text.split("\n")[:rows]):
        x = 0
        pos = 0
        while pos < len(line):
            m = SGR.match(line, pos)
            if m:
                attr.apply(m.group(1))
                pos = m.end()
                continue
            if line[pos] == "\x1b":  # other escapes: skip to the final byte
                end = pos + 1
                while end < len(line) and not line[end].isalpha():
                    end += 1
                pos = end + 1
                continue
            if x < cols:
                grid[y][x] = (line[pos], attr.copy())
            x += 1
            pos += 1
        # tmux ends lines without resetting; the background of the rest stays default
    return grid


def rgb(c):
    return "#%02x%02x%02x" % c


def block_rects(ch, x, y):
    """Pixel rectangles (x0, y0, x1, y1, inclusive) for block elements, or None."""
    o = ord(ch)
    w, h = CELL_W, CELL_H
    if o == 0x2588:
        return [(x, y, x + w - 1, y + h - 1)]
    if 0x2581 <= o <= 0x2587:  # lower n/8
        n = o - 0x2580
        return [(x, y + h - round(h * n / 8), x + w - 1, y + h - 1)]
    if 0x2589 <= o <= 0x258F:  # left 7/8 .. 1/8
        n = 0x2590 - o
        return [(x, y, x + max(1, round(w * n / 8)) - 1, y + h - 1)]
    if o == 0x2595:  # right 1/8
        return [(x + w - max(1, round(w / 8)), y, x + w - 1, y + h - 1)]
    if o == 0x2594:  # upper 1/8
        return [(x, y, x + w - 1, y + round(h / 8) - 1)]
    return None


def line_segments(ch, x, y):
    """Pixel rectangles for box drawing (lines 1 px, the heavy vertical 3 px), or None."""
    w, h = CELL_W, CELL_H
    cx, cy = x + w // 2, y + h // 2
    horizontal = (x, cy, x + w - 1, cy)
    vertical = (cx, y, cx, y + h - 1)
    table = {
        "─": [horizontal],
        "│": [vertical],
        "┃": [(cx - 1, y, cx + 1, y + h - 1)],
        "┌": [(cx, cy, x + w - 1, cy), (cx, cy, cx, y + h - 1)],
        "┐": [(x, cy, cx, cy), (cx, cy, cx, y + h - 1)],
        "└": [(cx, y, cx, cy), (cx, cy, x + w - 1, cy)],
        "┘": [(cx, y, cx, cy), (x, cy, cx, cy)],
        "┤": [vertical, (x, cy, cx, cy)],
    }
    return table.get(ch)


def mvg_escape(ch):
    if ch in ("\\", "'"):
        return "\\" + ch
    return ch


def render(grid, out):
    """Backgrounds, blocks and lines are drawn without antialiasing (so neighbouring cells
    join without seams), then the text on top with it."""
    rows, cols = len(grid), len(grid[0])
    W, H = cols * CELL_W, rows * CELL_H
    shapes = [f"viewbox 0 0 {W} {H}", f"fill {rgb(DEFAULT_BG)}", f"rectangle 0 0 {W - 1} {H - 1}"]
    text = []
    for y, row in enumerate(grid):
        x = 0
        while x < cols:  # one rectangle per run of the same background
            bg = row[x][1].colours()[1]
            end = x
            while end < cols and row[end][1].colours()[1] == bg:
                end += 1
            if bg != DEFAULT_BG:
                shapes.append(f"fill {rgb(bg)} rectangle {x * CELL_W} {y * CELL_H} "
                              f"{end * CELL_W - 1} {y * CELL_H + CELL_H - 1}")
            x = end
        for x, (ch, attr) in enumerate(row):
            fg, bg = attr.colours()
            px, py = x * CELL_W, y * CELL_H
            if attr.underline:
                shapes.append(f"fill {rgb(fg)} rectangle {px} {py + CELL_H - 2} {px + CELL_W - 1} {py + CELL_H - 2}")
            if ch == " ":
                continue
            rects = block_rects(ch, px, py) or line_segments(ch, px, py)
            if rects:
                for (x0, y0, x1, y1) in rects:
                    shapes.append(f"fill {rgb(fg)} rectangle {x0} {y0} {x1} {y1}")
                continue
            font = FONT_BOLD if attr.bold else FONT
            text.append(f"font '{font}' font-size {POINTSIZE} fill {rgb(fg)} "
                        f"text {px} {py + CELL_H - 5} '{mvg_escape(ch)}'")
    with tempfile.TemporaryDirectory() as tmp:
        shapes_file = f"{tmp}/shapes.mvg"
        text_file = f"{tmp}/text.mvg"
        background = f"{tmp}/background.png"
        with open(shapes_file, "w", encoding="utf-8") as f:
            f.write("\n".join(shapes) + "\n")
        subprocess.run(["convert", "-size", f"{W}x{H}", "+antialias", f"mvg:{shapes_file}", background], check=True)
        with open(text_file, "w", encoding="utf-8") as f:
            f.write(f"viewbox 0 0 {W} {H}\nimage over 0,0 0,0 '{background}'\n" + "\n".join(text) + "\n")
        subprocess.run(["convert", "-size", f"{W}x{H}", f"mvg:{text_file}", out], check=True)


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    text = open(args[0], encoding="utf-8", errors="replace").read()
    lines = text.rstrip("\n").split("\n")
    cols = int(args[args.index("--cols") + 1]) if "--cols" in args else 0
    rows = int(args[args.index("--rows") + 1]) if "--rows" in args else len(lines)
    if not cols:
        cols = max(len(SGR.sub("", l)) for l in lines)
    render(parse(text, cols, rows), args[1])


if __name__ == "__main__":
    main()

/// The `n` form, drawn as a box over the table.
enum FormView {
    static func draw(_ form: NewContainerForm, into frame: inout Frame, glyphs: Glyphs) {
        let width = min(66, frame.width - 4)
        let height = 12
        let x0 = (frame.width - width) / 2
        let y0 = max(1, (frame.height - height) / 2)
        box(x: x0, y: y0, width: width, height: height, title: "New container", into: &frame, glyphs: glyphs)
        // The box hides the table: its rows must not take clicks.
        frame.hits.removeAll()

        let labelX = x0 + 3
        let fieldX = x0 + 13
        let fieldWidth = width - 16
        for field in NewContainerForm.Field.allCases {
            let y = y0 + 2 + field.rawValue * 2
            let focused = form.focus == field
            frame.put(field.label, x: labelX, y: y, style: Style(focused ? .key : .normal))
            frame.fill(x: fieldX, y: y, width: fieldWidth, style: Style(.input))
            let text = form.fields[field.rawValue]
            if text.text.isEmpty {
                // After the cursor's cell, so the cursor doesn't eat the placeholder's first letter.
                frame.put(field.placeholder, x: fieldX + 2, y: y, style: Style(.sliderTrack), limit: fieldWidth - 3)
            }
            FieldView.draw(text, x: fieldX + 1, y: y, width: fieldWidth - 2, cursor: focused, into: &frame, glyphs: glyphs)
            frame.hits.append(HitRegion(x: labelX, y: y, width: fieldX + fieldWidth - labelX, target: .formField(field)))
        }
        let errorY = y0 + height - 3
        if let error = form.error {
            frame.put(glyphs.fit(error, width - 6), x: labelX, y: errorY, style: Style(.error))
        } else if form.submitted {
            frame.put("creating" + glyphs.ellipsis, x: labelX, y: errorY, style: Style(.dim))
        }
        var x = labelX
        for (key, what) in [("Enter", "create"), ("Tab", "next field"), ("Esc", "cancel")] {
            x += frame.put(key, x: x, y: y0 + height - 2, style: Style(.key))
            x += frame.put(" " + what + "   ", x: x, y: y0 + height - 2, style: Style(.dim))
        }
    }

    /// A bordered, cleared box with a title in its top edge.
    static func box(x: Int, y: Int, width: Int, height: Int, title: String, into frame: inout Frame, glyphs: Glyphs) {
        frame.fill(x: x, y: y, width: width, height: height)
        let border = Style(.border)
        frame.put(glyphs.topLeft, x: x, y: y, style: border)
        frame.put(glyphs.topRight, x: x + width - 1, y: y, style: border)
        frame.put(glyphs.bottomLeft, x: x, y: y + height - 1, style: border)
        frame.put(glyphs.bottomRight, x: x + width - 1, y: y + height - 1, style: border)
        frame.fill(x: x + 1, y: y, width: width - 2, with: glyphs.hLine, style: border)
        frame.fill(x: x + 1, y: y + height - 1, width: width - 2, with: glyphs.hLine, style: border)
        frame.fill(x: x, y: y + 1, width: 1, height: height - 2, with: glyphs.vLine, style: border)
        frame.fill(x: x + width - 1, y: y + 1, width: 1, height: height - 2, with: glyphs.vLine, style: border)
        frame.put(" \(title) ", x: x + 2, y: y, style: Style(.bold))
    }
}

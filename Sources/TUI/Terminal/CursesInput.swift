#if canImport(Glibc)
import Glibc
#endif
import CNcurses

/// Reads one key or mouse event from curses and decodes it into a `Key`.
enum CursesInput {
    /// Waits up to `milliseconds` (0 = don't wait) for input; nil when none came.
    static func read(milliseconds: Int32) -> Key? {
        let win = cn_stdscr()
        wtimeout(win, milliseconds)
        var ch: wint_t = 0
        let rc = wget_wch(win, &ch)
        if rc == ERR { return nil }
        if rc == cn_key_code_yes() { return functionKey(Int32(ch)) }
        return character(UInt32(ch))
    }

    /// SIGHUP when the terminal is gone without one having arrived (its pty closed while this
    /// process has no controlling terminal): every read then fails at once, and waiting for keys
    /// would spin at full CPU forever. Checked after a read that returned nothing.
    static func hangup() -> Int32? {
        var fd = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        guard poll(&fd, 1, 0) == 1, fd.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 else { return nil }
        return SIGHUP
    }

    private static func character(_ value: UInt32) -> Key? {
        switch value {
        case 27: return .escape
        case 10, 13: return .enter
        case 9: return .tab
        case 8, 127: return .backspace
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .char(Character(scalar))
        }
    }

    private static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case cn_key_btab(): return .backTab
        case cn_key_resize(): return .resize
        case cn_key_mouse(): return mouse()
        case cn_key_paste_start(): return .pasteStart
        case cn_key_paste_end(): return .pasteEnd
        default:
            for n in 1...12 where code == cn_key_f(Int32(n)) { return .function(n) }
            return nil
        }
    }

    private static func mouse() -> Key? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        let state = event.bstate
        let kind: MouseEvent.Kind
        if state & cn_button1_pressed() != 0 || state & cn_button1_clicked() != 0 {
            kind = .press
        } else if state & cn_button1_released() != 0 {
            kind = .release
        } else if state & cn_button4_pressed() != 0 {
            kind = .wheelUp
        } else if state & cn_button5_pressed() != 0 {
            kind = .wheelDown
        } else if state & cn_report_position() != 0 {
            kind = .motion
        } else {
            return nil
        }
        return .mouse(MouseEvent(x: Int(event.x), y: Int(event.y), kind: kind))
    }
}

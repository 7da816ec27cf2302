/// Path components put back together with "/": what `joined(separator: "/")` gives. Written out
/// because the standard library's generic join, on its first use in a process, makes its type
/// metadata at run time (0.11 ms of a `corral run` by clock marks), and every command joins a
/// path or two before it does anything else.
enum PathParts {
    static func join<C: Collection>(_ parts: C) -> String where C.Element == Substring {
        var path = ""
        var first = true
        for part in parts {
            if !first { path.append("/") }
            first = false
            path.append(contentsOf: part)   // String's own Substring overload, not the generic one
        }
        return path
    }
}

extension Runtime {
    /// The container a verb's argument names, as docker reads it: a container name, else its
    /// id or a prefix of the id that only one container's id starts with (what `ps` and the
    /// TUI show).
    public func resolve(_ nameOrID: String) throws -> String {
        try resolveWithID(nameOrID).name
    }

    /// `resolve`, plus the id when it was the id (or a prefix of it) that named the container:
    /// a caller that removes passes it on (`remove(onlyID:)`), so a container given the same
    /// name in between is not the one removed.
    public func resolveWithID(_ nameOrID: String) throws -> (name: String, id: String?) {
        if (try? ContainerName.validate(nameOrID)) != nil,
           store.exists(nameOrID) || SmallFile.exists(store.directory(nameOrID)) {
            return (nameOrID, nil)
        }
        let isIDPrefix = !nameOrID.isEmpty && nameOrID.utf8.count <= 64 && Self.isHex(nameOrID)
        let matches = isIDPrefix ? try list().filter { $0.record.id.hasPrefix(nameOrID) } : []
        switch matches.count {
        case 1:
            return (matches[0].name, matches[0].record.id)
        case 0:
            try ContainerName.validate(nameOrID)
            throw EngineError.notFound("no such container: \(nameOrID)")
        default:
            let names = matches.map(\.name).joined(separator: ", ")
            throw EngineError.conflict("\(nameOrID) is the start of more than one container's id (\(names)); give more of it")
        }
    }

    /// Lowercase hex digits only, as container ids are written.
    static func isHex(_ s: String) -> Bool {
        s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }
}

import ArgumentParser
import Engine
import FoundationEssentials

/// `corral image import|load|ls|rm`: the image store under $CORRAL_IMAGES (default /var/lib/corral).
struct ImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Manage images: import a rootfs tarball, load docker/OCI archives, list, remove.",
        discussion: """
            The builtin "busybox" image needs no import: it is made from the host's busybox-static \
            the first time a container uses it.
            """,
        subcommands: [Import.self, Load.self, List.self, Remove.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Make an image from a rootfs tarball (plain, gzip, bzip2, xz or zstd).",
            discussion: "For example `docker export` output, or an Alpine or Debian minirootfs.")

        @OptionGroup var globals: GlobalOptions

        @Argument(help: ArgumentHelp("The tarball, or - for stdin.", valueName: "file"))
        var file: String

        @Argument(help: ArgumentHelp("Name for the image: parts of [a-z0-9][a-z0-9._-]* joined by '/', optionally :TAG.", valueName: "name"))
        var name: String

        func validate() throws {
            try ImageName.validateNew(name)
        }

        func run() throws {
            Interruption.noteSignals()   // Ctrl-C removes the half-written image
            LockWaitNotice.install()
            let piped = file == "-" ? try StdinArchive(verb: "image import") : nil
            let image = try withExtendedLifetime(piped) {   // its fd is the archive
                try ImageStore(root: globals.imagesRoot).importRootfs(tarball: piped?.path ?? file, name: name,
                                                                      shownAs: piped == nil ? nil : "stdin")
            }
            print(image.name)
        }
    }

    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "load",
            abstract: "Load the images of a `docker save` / `podman save` archive or an OCI image layout.",
            discussion: """
                FILE is a tar (optionally compressed) or an OCI layout directory; without one the archive \
                is read from stdin. Layers are applied in \
                order with their whiteouts; the image config's Env, Entrypoint, Cmd, WorkingDir and User \
                become the defaults of containers made from it. Images are named by their repo:tag.
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(help: ArgumentHelp("The archive or OCI layout directory; stdin (as docker's) when left out or -.", valueName: "file"))
        var file: String?

        @Option(name: [.customShort("i"), .customLong("input")], help: ArgumentHelp("The archive (docker's spelling).", valueName: "file"))
        var input: String?

        func validate() throws {
            if file != nil && input != nil { throw ValidationError("give the archive once: as FILE or with --input") }
        }

        func run() throws {
            Interruption.noteSignals()   // Ctrl-C removes the half-written images
            LockWaitNotice.install()
            let given = input ?? file ?? "-"
            let piped = given == "-" ? try StdinArchive(verb: "image load") : nil
            let images = try withExtendedLifetime(piped) {   // its fd is the archive
                try ImageStore(root: globals.imagesRoot).load(archive: piped?.path ?? given, shownAs: piped == nil ? nil : "stdin")
            }
            for image in images {
                print("Loaded image: \(image.name)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List images.")

        @OptionGroup var globals: GlobalOptions

        @Flag(name: .long, help: "Print a JSON array.")
        var json = false

        @Flag(name: .shortAndLong, help: "Print only the names, one a line (as docker's -q gives ids).")
        var quiet = false

        func validate() throws {
            if json && quiet { throw ValidationError("give --json or --quiet, not both") }
        }

        func run() throws {
            let images = try ImageStore(root: globals.imagesRoot).list()
            if quiet {
                for image in images { print(image.name) }
                return
            }
            if json {
                print(try JSONText.encode(images.map(ImageJSON.init)))
                return
            }
            var rows = [["NAME", "SIZE", "CREATED", "COMMAND"]]
            for image in images {
                let command = (image.config.entrypoint ?? []) + (image.config.cmd ?? [])
                rows.append([
                    image.name, ImageJSON.size(image.size),
                    Format.age(since: Date(timeIntervalSince1970: Double(image.created))) + " ago",
                    // Quoted as ps shows commands: an image's Cmd is untrusted text.
                    command.isEmpty ? "-" : CommandText.line(command),
                ])
            }
            print(Format.table(rows), terminator: "")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm", abstract: "Remove images (refused while a container uses one).")

        @OptionGroup var globals: GlobalOptions

        @Argument(help: ArgumentHelp("The images.", valueName: "name"))
        var names: [String]

        func run() throws {
            let store = ImageStore(root: globals.imagesRoot)
            // Each name checked on its own turn: a bad one is reported like a missing one,
            // and the others still go.
            try EachNamed.run(names, verb: "image rm", needs: "an image name") {
                try ImageName.validate($0)
                try store.remove(named: $0, usedBy: globals.containers(usingImage:))
            }
        }
    }
}

/// The `image ls --json` object; field names are an interface other tools rely on.
struct ImageJSON: Encodable {
    var name: String
    var created: String
    var size: UInt64
    var rootfs: String
    var env: [String]
    @NullEncoded var entrypoint: [String]?
    @NullEncoded var cmd: [String]?
    @NullEncoded var workingDir: String?
    @NullEncoded var user: String?

    init(_ image: Image) {
        name = image.name
        created = Date(timeIntervalSince1970: Double(image.created)).formatted(.iso8601)
        size = image.size
        rootfs = image.rootfs
        env = image.config.env
        entrypoint = image.config.entrypoint
        cmd = image.config.cmd
        workingDir = image.config.workingDir
        user = image.config.user
    }

    /// "4.2 MB": decimal units, as `docker images` prints them.
    static func size(_ bytes: UInt64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        return String(Double((value * 10).rounded()) / 10) + " " + units[unit]
    }
}

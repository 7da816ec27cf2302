import Foundation
import XCTest
@testable import Engine

/// `docker save` and OCI layout archives, built here from scratch.
final class ImageLoadTests: ImageTestCase {
    /// Layer 1 makes a small tree; layer 2 deletes /etc/gone with a whiteout, makes /app opaque
    /// (hiding everything layer 1 put there) and adds files of its own.
    func layers() throws -> (String, String) {
        let one = try archive("layer1.tar", [
            .dir("etc/"),
            .file("etc/keep", "kept\n"),
            .file("etc/gone", "deleted by layer 2\n"),
            .dir("app/"),
            .dir("app/old/"),
            .file("app/old/file", "hidden by the opaque marker\n"),
            .file("app/stale", "hidden too\n"),
            .dir("data/"),
            .file("data/replaced", "layer 1\n"),
        ])
        let two = try archive("layer2.tar.gz", [
            .dir("etc/"),
            .file("etc/.wh.gone", ""),
            .dir("app/"),
            .file("app/new", "from layer 2\n"),
            .file("app/.wh..wh..opq", ""),
            .dir("app/sub/"),
            .file("app/sub/after-marker", "created after the marker\n"),
            .file("data/replaced", "layer 2\n"),
        ], compression: .gzip)
        return (one, two)
    }

    let configJSON = """
        {"architecture":"amd64","os":"linux","config":{
          "Env":["PATH=/usr/local/bin:/usr/bin:/bin","GREETING=hello"],
          "Entrypoint":["/bin/entry"],"Cmd":["serve","--port","8080"],
          "WorkingDir":"/app","User":"nobody"},
         "rootfs":{"type":"layers","diff_ids":[]}}
        """

    func checkLoaded(_ image: Image) {
        XCTAssertEqual(read(image.rootfs + "/etc/keep"), "kept\n")
        XCTAssertNil(lstatOrNil(image.rootfs + "/etc/gone"), "whiteout removes the file")
        XCTAssertNil(lstatOrNil(image.rootfs + "/etc/.wh.gone"), "whiteouts are not extracted")
        XCTAssertNil(lstatOrNil(image.rootfs + "/app/old"), "opaque dir hides the lower layer's content")
        XCTAssertNil(lstatOrNil(image.rootfs + "/app/stale"))
        XCTAssertNil(lstatOrNil(image.rootfs + "/app/.wh..wh..opq"))
        XCTAssertEqual(read(image.rootfs + "/app/new"), "from layer 2\n", "the layer's own files stay")
        XCTAssertEqual(read(image.rootfs + "/app/sub/after-marker"), "created after the marker\n")
        XCTAssertEqual(read(image.rootfs + "/data/replaced"), "layer 2\n")
        XCTAssertEqual(image.config, ImageConfig(
            env: ["PATH=/usr/local/bin:/usr/bin:/bin", "GREETING=hello"],
            entrypoint: ["/bin/entry"], cmd: ["serve", "--port", "8080"], workingDir: "/app", user: "nobody"))
    }

    /// docker save names the config by its digest (checked on load).
    var configID: String { sha256(Data(configJSON.utf8)) }

    func dockerSaveArchive(repoTags: String = "[\"docker.io/library/corral-demo:1.0\"]") throws -> String {
        let (one, two) = try layers()
        let id1 = String(repeating: "1", count: 64), id2 = String(repeating: "2", count: 64)
        let configName = configID + ".json"
        let manifest = "[{\"Config\":\"\(configName)\",\"RepoTags\":\(repoTags),\"Layers\":[\"\(id1)/layer.tar\",\"\(id2)/layer.tar\"]}]"
        return try archive("saved.tar", [
            .dir("\(id1)/"),
            .file("\(id1)/layer.tar", data: try Data(contentsOf: URL(fileURLWithPath: one))),
            .dir("\(id2)/"),
            .file("\(id2)/layer.tar", data: try Data(contentsOf: URL(fileURLWithPath: two))),
            .file(configName, configJSON),
            .file("manifest.json", manifest),
            .file("repositories", "{}"),
        ])
    }

    func testDockerSaveTwoLayersWithWhiteouts() throws {
        let images = try store.load(archive: try dockerSaveArchive())
        XCTAssertEqual(images.map(\.name), ["corral-demo:1.0"], "docker.io/library/ is dropped as docker does")
        checkLoaded(images[0])
        XCTAssertEqual(try store.image(named: "corral-demo:1.0"), images[0])
        XCTAssertEqual(storeEntries(), ["corral-demo%3A1.0"], "the unpacked save archive is gone")
    }

    /// Saved under two tags, loaded under both (docker does); `[]` is untagged, like null.
    func testEveryTagOfASavedImageIsLoaded() throws {
        let images = try store.load(archive: try dockerSaveArchive(repoTags: "[\"myapp:latest\",\"myapp:v1\"]"))
        XCTAssertEqual(images.map(\.name), ["myapp:latest", "myapp:v1"])
        for image in images { checkLoaded(image) }
        XCTAssertEqual(try store.image(named: "myapp").name, "myapp:latest")
        XCTAssertEqual(try store.image(named: "myapp:v1").name, "myapp:v1")
        try store.remove(named: "myapp", usedBy: { _ in [] })
        XCTAssertEqual(try store.image(named: "myapp:v1").name, "myapp:v1", "each tag is its own image here")
        XCTAssertEqual(try store.load(archive: try dockerSaveArchive(repoTags: "[]")).map(\.name), [String(configID.prefix(12))])
    }

    func testUntaggedDockerSaveIsNamedByItsConfigID() throws {
        let images = try store.load(archive: try dockerSaveArchive(repoTags: "null"))
        XCTAssertEqual(images.map(\.name), [String(configID.prefix(12))])
    }

    func testLoadingAnExistingNameIsAConflict() throws {
        let saved = try dockerSaveArchive()
        _ = try store.load(archive: saved)
        XCTAssertThrowsError(try store.load(archive: saved)) { error in
            guard case EngineError.conflict = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(storeEntries(), ["corral-demo%3A1.0"])
    }

    func testOCILayoutDirectoryAndTar() throws {
        let (one, two) = try layers()
        let layout = base + "/layout"
        let blobs = layout + "/blobs/sha256"
        try FileManager.default.createDirectory(atPath: blobs, withIntermediateDirectories: true)
        func blob(_ data: Data) throws -> String {
            let hex = sha256(data)
            try data.write(to: URL(fileURLWithPath: blobs + "/" + hex))
            return "sha256:" + hex
        }
        let l1 = try blob(Data(contentsOf: URL(fileURLWithPath: one)))
        let l2 = try blob(Data(contentsOf: URL(fileURLWithPath: two)))
        let config = try blob(Data(configJSON.utf8))
        let manifest = try blob(Data("""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\(config)","size":1},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"\(l1)","size":1},
                       {"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"\(l2)","size":1}]}
            """.utf8))
        // A multi-platform index in between, as registries serve it.
        let platforms = try blob(Data("""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:\(String(repeating: "9", count: 64))",
               "size":1,"platform":{"architecture":"s390x","os":"linux"}},
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\(manifest)","size":1,
               "platform":{"architecture":"\(ImageBundle.architecture)","os":"linux"}}]}
            """.utf8))
        try "{\"imageLayoutVersion\":\"1.0.0\"}".write(toFile: layout + "/oci-layout", atomically: false, encoding: .utf8)
        try """
            {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json",
             "digest":"\(platforms)","size":1,"annotations":{"org.opencontainers.image.ref.name":"2.0"}}]}
            """.write(toFile: layout + "/index.json", atomically: false, encoding: .utf8)

        let fromDir = try store.load(archive: layout)
        XCTAssertEqual(fromDir.map(\.name), ["layout:2.0"], "a bare tag gets the layout's file name as repository")
        checkLoaded(fromDir[0])
        try store.remove(named: "layout:2.0", usedBy: { _ in [] })

        // The same layout as a tar, named by the archive file.
        var entries: [TarEntry] = [.file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"),
                                   .file("index.json", try String(contentsOfFile: layout + "/index.json", encoding: .utf8))]
        for name in try FileManager.default.contentsOfDirectory(atPath: blobs) {
            entries.append(.file("blobs/sha256/" + name, data: try Data(contentsOf: URL(fileURLWithPath: blobs + "/" + name))))
        }
        let fromTar = try store.load(archive: try archive("corral-oci.tar", entries))
        XCTAssertEqual(fromTar.map(\.name), ["corral-oci:2.0"])
        checkLoaded(fromTar[0])
    }

    /// A docker-save archive with these layers, tagged `tag`.
    func saveArchive(_ file: String, tag: String, layers: [[TarEntry]]) throws -> String {
        var entries: [TarEntry] = []
        var paths: [String] = []
        for (i, layer) in layers.enumerated() {
            let layerFile = try archive("\(file)-layer\(i).tar", layer)
            paths.append("l\(i)/layer.tar")
            entries.append(.file("l\(i)/layer.tar", data: try Data(contentsOf: URL(fileURLWithPath: layerFile))))
        }
        let list = paths.map { "\"\($0)\"" }.joined(separator: ",")
        entries += [.file("c.json", configJSON),
                    .file("manifest.json", "[{\"Config\":\"c.json\",\"RepoTags\":[\"\(tag)\"],\"Layers\":[\(list)]}]")]
        return try archive(file, entries)
    }

    func testHostileLayerRefusesTheWholeLoad() throws {
        let outside = outsidePath("layer")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let saved = try saveArchive("evil-save.tar", tag: "evil:1", layers: [
            [.file("ok", "ok\n")],
            [.symlink("evil", to: outside), .file("evil/pwned", "x")],
        ])
        assertInvalid(try store.load(archive: saved), contains: "layer 2/2")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside), [])
        XCTAssertEqual(storeEntries(), [], "no half image, no unpacked archive")
    }

    func testWhiteoutsDoNotFollowSymlinksFromLowerLayers() throws {
        // Whiteouts are applied by corral itself, not libarchive: the same O_NOFOLLOW walk.
        let outside = outsidePath("whiteout")
        try FileManager.default.createDirectory(atPath: outside + "/sub", withIntermediateDirectories: true)
        try "precious\n".write(toFile: outside + "/precious", atomically: false, encoding: .utf8)
        for (label, whiteout) in [("file", "link/.wh.precious"), ("opaque", "link/.wh..wh..opq"), ("dir", "link/.wh.sub")] {
            let saved = try saveArchive("wh-\(label).tar", tag: "wh-\(label):1", layers: [
                [.symlink("link", to: outside)],
                [.file(whiteout, "")],
            ])
            assertInvalid(try store.load(archive: saved), contains: "symlink")
        }
        XCTAssertEqual(read(outside + "/precious"), "precious\n")
        XCTAssertNotNil(lstatOrNil(outside + "/sub"))
        // A whiteout of the symlink itself removes the link, not what it points at.
        let saved = try saveArchive("wh-link.tar", tag: "wh-link:1", layers: [
            [.symlink("link", to: outside), .file("keep", "k\n")],
            [.file(".wh.link", "")],
        ])
        let image = try XCTUnwrap(try store.load(archive: saved).first)
        XCTAssertNil(lstatOrNil(image.rootfs + "/link"))
        XCTAssertEqual(read(image.rootfs + "/keep"), "k\n")
        XCTAssertEqual(read(outside + "/precious"), "precious\n")
        XCTAssertEqual(storeEntries(), ["wh-link%3A1"])
    }

    func testManifestPathsMayNotLeaveTheArchive() throws {
        for (label, layerPath, setup) in [
            ("dotdot", "../../../etc/passwd", [TarEntry]()),
            ("absolute", "/etc/passwd", []),
            ("symlink", "a/layer.tar", [.dir("a/"), .symlink("a/layer.tar", to: "/etc/passwd")]),
        ] {
            let manifest = "[{\"Config\":\"c.json\",\"RepoTags\":[\"m-\(label):1\"],\"Layers\":[\"\(layerPath)\"]}]"
            let saved = try archive("m-\(label).tar", setup + [.file("c.json", configJSON), .file("manifest.json", manifest)])
            assertInvalid(try store.load(archive: saved), contains: "outside the archive")
        }
        let badDigest = try archive("digest.tar", [
            .file("index.json", "{\"manifests\":[{\"digest\":\"sha256:../../../../etc/passwd\"}]}"),
        ])
        assertInvalid(try store.load(archive: badDigest), contains: "invalid digest")
        XCTAssertEqual(storeEntries(), [])
    }

    func testNotAnImageArchive() throws {
        let tar = try archive("rootfs.tar", [.file("etc/hostname", "x\n")])
        assertInvalid(try store.load(archive: tar), contains: "neither manifest.json")
        XCTAssertEqual(storeEntries(), [])
        let empty = try archive("empty.tar", [.file("manifest.json", "[]")])
        assertInvalid(try store.load(archive: empty), contains: "lists no images")
        XCTAssertEqual(storeEntries(), [])
    }

}

import Foundation
import XCTest
@testable import Engine

/// The SHA-256 that image loads check blobs and layers with: the standard's vectors, files of
/// every awkward length against sha256sum, and loads of archives whose content and digests
/// disagree refused with nothing kept.
final class ContentDigestTests: ImageTestCase {
    func testFIPSVectors() {
        XCTAssertEqual(ContentDigest.sha256(of: []), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(ContentDigest.sha256(of: Array("abc".utf8)), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(ContentDigest.sha256(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(ContentDigest.sha256(of: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)),
                       "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Lengths around the 64-byte block and the 56-byte padding edge, and past the 64 KiB read.
    func testFilesAgreeWithSha256sum() throws {
        var rng = SystemRandomNumberGenerator()
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 65_535, 65_536, 65_537, 1_000_003] {
            let data = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) })
            let path = base + "/blob-\(length)"
            try data.write(to: URL(fileURLWithPath: path))
            XCTAssertEqual(try ContentDigest.sha256(ofFile: path), "sha256:" + sha256(data), "\(length) bytes")
        }
    }

    func layerTar(_ marker: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: try archive("layer-\(marker).tar", [.dir("etc/"), .file("etc/marker", marker + "\n")])))
    }

    /// An OCI layout whose layer blob was swapped for another tar: docker and podman refuse it.
    func testOCIBlobThatIsNotWhatItsDigestSaysIsRefused() throws {
        let layer = try layerTar("original"), evil = try layerTar("tampered")
        let config = Data("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{}}".utf8)
        let manifest = Data("""
            {"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:\(sha256(config))","size":\(config.count)},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:\(sha256(layer))","size":\(layer.count)}]}
            """.utf8)
        let index = "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"sha256:\(sha256(manifest))\",\"size\":\(manifest.count),"
            + "\"annotations\":{\"org.opencontainers.image.ref.name\":\"oci:1\"}}]}"
        func layout(layerBytes: Data, manifestBytes: Data = manifest) throws -> String {
            try archive("oci-\(UInt32.random(in: 0..<UInt32.max)).tar", [
                .file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"), .file("index.json", index),
                .file("blobs/sha256/" + sha256(manifest), data: manifestBytes),
                .file("blobs/sha256/" + sha256(config), data: config),
                .file("blobs/sha256/" + sha256(layer), data: layerBytes),
            ])
        }
        assertInvalid(try store.load(archive: try layout(layerBytes: evil)), contains: "does not match its digest")
        assertInvalid(try store.load(archive: try layout(layerBytes: layer, manifestBytes: manifest + Data(" ".utf8))),
                      contains: "does not match its digest")
        XCTAssertEqual(storeEntries(), [], "something kept from a refused load")
        XCTAssertEqual(try store.load(archive: try layout(layerBytes: layer)).map(\.name), ["oci:1"], "the untouched layout loads")
    }

    /// docker save: the config is named by its digest, and its diff_ids are the layers' digests.
    func testDockerSaveWhoseLayerOrConfigDisagreesWithItsDigestIsRefused() throws {
        let layer = try layerTar("original"), evil = try layerTar("tampered")
        func config(diffID: String) -> Data {
            Data("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"\(diffID)\"]}}".utf8)
        }
        func save(layerBytes: Data, config: Data, configName: String? = nil) throws -> String {
            let name = configName ?? sha256(config) + ".json"
            return try archive("save-\(UInt32.random(in: 0..<UInt32.max)).tar", [
                .file("l/layer.tar", data: layerBytes), .file(name, data: config),
                .file("manifest.json", "[{\"Config\":\"\(name)\",\"RepoTags\":[\"saved:1\"],\"Layers\":[\"l/layer.tar\"]}]"),
            ])
        }
        let good = config(diffID: "sha256:" + sha256(layer))
        assertInvalid(try store.load(archive: try save(layerBytes: evil, config: good)), contains: "does not match its digest")
        assertInvalid(try store.load(archive: try save(layerBytes: layer, config: config(diffID: "sha256:" + String(repeating: "0", count: 64)))),
                      contains: "does not match its digest")
        assertInvalid(try store.load(archive: try save(layerBytes: layer, config: good, configName: sha256(Data("other".utf8)) + ".json")),
                      contains: "does not match its digest")
        // A plain tar whose first file's name starts like a bzip2 or gzip stream is still checked.
        for lookalike in ["BZh91AY", "\u{1f}\u{8b}x"] {
            let swapped = try Data(contentsOf: URL(fileURLWithPath: try archive("look-\(lookalike.utf8.count).tar", [.file(lookalike, "x\n")])))
            assertInvalid(try store.load(archive: try save(layerBytes: swapped, config: good)), contains: "does not match its digest")
        }
        XCTAssertEqual(storeEntries(), [], "something kept from a refused load")
        XCTAssertEqual(try store.load(archive: try save(layerBytes: layer, config: good)).map(\.name), ["saved:1"])
    }
}

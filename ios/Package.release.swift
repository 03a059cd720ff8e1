// swift-tools-version:5.9
// The release manifest: how apps depend on Koban as a remote Swift package.
//
// scripts/build-xcframework.sh renders it (scripts/release-metadata.py swift-release) into
// build/swift-release/Package.swift, filling in the URL and SwiftPM checksum of the zipped
// KobanFFI.xcframework, beside a copy of Sources/Koban (hand-written and generated Swift and
// PrivacyInfo.xcprivacy); that folder is what a release tag of the Swift package holds, and
// the zip is uploaded to the URL. Unlike the development manifest (Package.swift) it has no
// unsafeFlags, no local library paths, iOS only (the XCFramework's slices) and only the
// `Koban` product. scripts/test-swift.sh checks it and has SwiftPM read the rendered copy.
import PackageDescription

let package = Package(
    name: "Koban",
    platforms: [.iOS(.v15)],
    products: [
        .library(name: "Koban", targets: ["Koban"]),
    ],
    targets: [
        // The Rust core: static libraries for devices and simulators, header and module map.
        .binaryTarget(
            name: "KobanFFI",
            url: "@KOBAN_XCFRAMEWORK_URL@",
            checksum: "@KOBAN_XCFRAMEWORK_CHECKSUM@"
        ),
        .target(
            name: "Koban",
            dependencies: ["KobanFFI"],
            path: "Sources/Koban",
            resources: [.copy("PrivacyInfo.xcprivacy")]
        ),
    ]
)

// swift-tools-version:5.9
// Swift 5 language mode: the pinned UniFFI's generated Swift does not build in Swift 6 mode
// (ios/README.md, "Swift 6 language mode").

import Foundation
import PackageDescription

// The development and test manifest. Apps depend on the release manifest instead
// (Package.release.swift, rendered by scripts/build-xcframework.sh with the XCFramework's URL
// and checksum): it has no unsafeFlags and no local paths, which SwiftPM requires of a remote
// dependency. This one keeps what the Linux tests need: the system library over build/lib,
// linked with -L (unsafeFlags), and the KobanAppModel product and test targets.
//
// scripts/test-swift.sh builds libkoban_ffi.so into build/lib and copies the generated
// Koban.swift and KobanFFI.h into Sources/ (both git-ignored).
let rustLibDir = Context.packageDirectory + "/../build/lib"

// On a Mac, scripts/build-xcframework.sh leaves the iOS static library, header and module map
// in Frameworks/KobanFFI.xcframework (git-ignored). When it is there, Xcode links the Rust
// core from it; everywhere else (Linux, or a Mac without it) the system library over
// build/lib is used, exactly as on the test machines.
let xcframework = "Frameworks/KobanFFI.xcframework"
#if os(macOS)
let useXCFramework = FileManager.default.fileExists(atPath: Context.packageDirectory + "/" + xcframework)
#else
let useXCFramework = false
#endif

let ffiTarget: Target = useXCFramework
    ? .binaryTarget(name: "KobanFFI", path: xcframework)
    // The C side of the bindings: the generated header and a module map that links the Rust library.
    : .systemLibrary(name: "KobanFFI", path: "Sources/KobanFFI")
let libraryLink: [LinkerSetting] = useXCFramework ? [] : [.unsafeFlags(["-L", rustLibDir])]
let testLink: [LinkerSetting] = useXCFramework
    ? []
    : [.unsafeFlags(["-L", rustLibDir, "-Xlinker", "-rpath", "-Xlinker", rustLibDir])]

let package = Package(
    name: "Koban",
    // The app's texts are in English, Japanese, Thai and Simplified Chinese (KobanAppModel's
    // Resources/<language>.lproj); English is the fallback.
    defaultLocalization: "en",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Koban", targets: ["Koban"]),
        .library(name: "KobanAppModel", targets: ["KobanAppModel"]),
    ],
    targets: [
        ffiTarget,
        // The generated Swift API plus small hand-written extensions and platform services
        // (URLSession transport, Keychain key store).
        .target(
            name: "Koban",
            dependencies: ["KobanFFI"],
            path: "Sources/Koban",
            // Apple's privacy manifest for the SDK (also in the release manifest).
            resources: [.copy("PrivacyInfo.xcprivacy")],
            linkerSettings: libraryLink
        ),
        // The app's screens as plain Swift view models: no SwiftUI, UIKit or Combine, so they
        // build and are tested on Linux.
        .target(
            name: "KobanAppModel",
            dependencies: ["Koban"],
            path: "Sources/KobanAppModel",
            // Localizable.strings per language: plain .strings tables, which SwiftPM also
            // bundles on Linux (a String Catalog is not compiled there).
            resources: [.process("Resources")]
        ),
        // Shared by both test targets: the sandbox host, app-written key store, logger and
        // transports. Not a product.
        .target(
            name: "KobanTestSupport",
            dependencies: ["Koban"],
            path: "Tests/KobanTestSupport"
        ),
        .testTarget(
            name: "KobanTests",
            dependencies: ["Koban", "KobanTestSupport"],
            path: "Tests/KobanTests",
            linkerSettings: testLink
        ),
        .testTarget(
            name: "KobanAppModelTests",
            dependencies: ["KobanAppModel", "KobanTestSupport"],
            path: "Tests/KobanAppModelTests",
            linkerSettings: testLink
        ),
    ]
)

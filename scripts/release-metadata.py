#!/usr/bin/env python3
"""What makes Koban installable, checked without Gradle or Xcode (neither exists on the
development machines), and the Swift release package rendered.

  release-metadata.py android              check the AAR's Maven publication (android/koban/build.gradle.kts)
                                           and render the POM it describes into build/android-publication/
  release-metadata.py ios                  check the release manifest (ios/Package.release.swift),
                                           the development manifest and the privacy manifest
  release-metadata.py swift-release OUT --zip ZIP --url URL [--generated KOBAN_SWIFT]
                                           write the release Swift package into OUT (build-xcframework.sh)
  release-metadata.py swift-dump JSON      check `swift package dump-package` of a rendered release package

The Gradle checks are static (the build file's text); Gradle itself, the AAR, its sources jar
and the POM Gradle writes are not checkable here. The POM rendered here is the one the
publication block describes, from the same values, and is checked to be well-formed XML.
"""

import argparse
import hashlib
import os
import plistlib
import re
import shutil
import sys
import tomllib
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRADLE = os.path.join(ROOT, "android/koban/build.gradle.kts")
RELEASE_MANIFEST = os.path.join(ROOT, "ios/Package.release.swift")
DEV_MANIFEST = os.path.join(ROOT, "ios/Package.swift")
SOURCES = os.path.join(ROOT, "ios/Sources/Koban")
PRIVACY = os.path.join(SOURCES, "PrivacyInfo.xcprivacy")
LICENSE_URLS = {"Apache-2.0": "https://www.apache.org/licenses/LICENSE-2.0.txt"}

failures = []


def check(ok, message):
    if not ok:
        failures.append(message)


def finish(what):
    if failures:
        for f in failures:
            print(f"{what}: {f}", file=sys.stderr)
        sys.exit(1)


def workspace():
    with open(os.path.join(ROOT, "Cargo.toml"), "rb") as f:
        return tomllib.load(f)["workspace"]["package"]


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# ---- Android -------------------------------------------------------------------------------


def string_call(text, name):
    """The string literal of `name.set("…")` / `name = "…"`, or the identifier it is set to."""
    m = re.search(r"\b" + re.escape(name) + r'(?:\.set\(|\s*=\s*)("(?:[^"\\]|\\.)*"|[A-Za-z_]\w*)', text)
    if not m:
        return None
    v = m.group(1)
    return v[1:-1] if v.startswith('"') else ("$" + v)


def check_android():
    cargo = workspace()
    g = read(GRADLE)
    check(re.search(r"^\s*`maven-publish`\s*$", g, re.M), "the maven-publish plugin is not applied")
    check(re.search(r"singleVariant\(\"release\"\)\s*\{\s*withSourcesJar\(\)", g), "no sources jar: singleVariant(\"release\") { withSourcesJar() }")
    check('register<MavenPublication>("release")' in g, "no MavenPublication named release")
    check('from(components["release"])' in g, "the publication does not publish the release component (the AAR)")

    # Values the build file reads from Cargo.toml: the reader must be there, and is mirrored here.
    check('substringAfter("\\n[workspace.package]\\n")' in g, "cargoWorkspace() does not read [workspace.package] of Cargo.toml")
    derived = {}
    for var, key in (("kobanVersion", "version"), ("kobanLicense", "license"), ("kobanRepository", "repository")):
        ok = re.search(r"^val " + var + r' = cargoWorkspace\("' + key + r'"\)$', g, re.M)
        check(ok, f"{var} is not cargoWorkspace(\"{key}\")")
        derived["$" + var] = cargo[key]

    def value(name):
        v = string_call(g, name)
        return derived.get(v, v) if v else None

    pub = g[g.index('register<MavenPublication>("release")'):] if 'register<MavenPublication>("release")' in g else ""
    lic = pub[pub.index("license {"):] if "license {" in pub else ""
    scm = pub[pub.index("scm {"):] if "scm {" in pub else ""

    def in_block(block, name):
        v = string_call(block, name)
        return derived.get(v, v) if v else None

    coords = (in_block(pub, "groupId"), in_block(pub, "artifactId"), in_block(pub, "version"))
    check(coords == ("io.koban", "koban", cargo["version"]),
          f"coordinates {':'.join(map(str, coords))}, expected io.koban:koban:{cargo['version']} (Cargo.toml's workspace version)")
    licence = in_block(lic, "name")
    check(licence == cargo["license"], f"POM licence {licence!r}, Cargo.toml says {cargo['license']!r}")
    check("licenseUrls[kobanLicense]" in lic and cargo["license"] in LICENSE_URLS and
          f'"{cargo["license"]}" to "{LICENSE_URLS.get(cargo["license"])}"' in g,
          "the POM licence URL is not the one of Cargo.toml's licence")
    pom = {
        "name": in_block(pub, "name"),
        "description": None,
        "url": in_block(pub, "url"),
        "scm_url": in_block(scm, "url"),
    }
    m = re.search(r"description\.set\(\s*((?:\"(?:[^\"\\]|\\.)*\"\s*\+?\s*)+),?\s*\)", pub)
    if m:
        pom["description"] = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
    for k, v in pom.items():
        check(v, f"the POM has no {k}")
    check(pom["url"] == cargo["repository"] and pom["scm_url"] == cargo["repository"],
          "the POM url and scm url are not Cargo.toml's repository")
    check("connection.set(\"scm:git:$kobanRepository.git\")" in scm, "no scm connection")
    finish("android publication")

    # The POM this configuration describes (dependencies left out: Gradle derives them).
    ns = "http://maven.apache.org/POM/4.0.0"
    ET.register_namespace("", ns)
    project = ET.Element(f"{{{ns}}}project")

    def sub(parent, tag, text=None):
        e = ET.SubElement(parent, f"{{{ns}}}{tag}")
        if text is not None:
            e.text = text
        return e

    sub(project, "modelVersion", "4.0.0")
    for tag, text in zip(("groupId", "artifactId", "version"), coords):
        sub(project, tag, text)
    sub(project, "packaging", "aar")
    sub(project, "name", pom["name"])
    sub(project, "description", pom["description"])
    sub(project, "url", pom["url"])
    l = sub(sub(project, "licenses"), "license")
    sub(l, "name", licence)
    sub(l, "url", LICENSE_URLS[licence])
    sub(l, "distribution", "repo")
    s = sub(project, "scm")
    sub(s, "connection", f"scm:git:{cargo['repository']}.git")
    sub(s, "developerConnection", f"scm:git:{cargo['repository']}.git")
    sub(s, "url", cargo["repository"])
    out = os.path.join(ROOT, "build/android-publication")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, f"koban-{cargo['version']}.pom")
    ET.indent(project)
    ET.ElementTree(project).write(path, encoding="UTF-8", xml_declaration=True)
    ET.parse(path)  # well-formed
    print(f"android publication: io.koban:koban:{cargo['version']} ({licence}, sources jar); POM rendered at {os.path.relpath(path, ROOT)}")


# ---- iOS -----------------------------------------------------------------------------------

URL_PLACEHOLDER = "@KOBAN_XCFRAMEWORK_URL@"
CHECKSUM_PLACEHOLDER = "@KOBAN_XCFRAMEWORK_CHECKSUM@"


def check_release_manifest_text(text, rendered):
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    check("unsafeFlags" not in code, "the release manifest uses unsafeFlags (SwiftPM refuses them in a remote dependency)")
    check("systemLibrary" not in code and "linkerSettings" not in code, "the release manifest links a local library")
    m = re.search(r"\.binaryTarget\(\s*name:\s*\"KobanFFI\",\s*url:\s*\"([^\"]*)\",\s*checksum:\s*\"([^\"]*)\"\s*\)", code)
    check(m, "the release manifest has no .binaryTarget(name: \"KobanFFI\", url:, checksum:)")
    check("path:" not in (code[code.find(".binaryTarget("):].split(")")[0] if ".binaryTarget(" in code else ""),
          "the release binaryTarget has a local path")
    check('resources: [.copy("PrivacyInfo.xcprivacy")]' in code, "the Koban target does not carry PrivacyInfo.xcprivacy")
    if m and not rendered:
        check((m.group(1), m.group(2)) == (URL_PLACEHOLDER, CHECKSUM_PLACEHOLDER), "the template's url/checksum are not the placeholders")
    if m and rendered:
        check(m.group(1).startswith("https://") and m.group(1).endswith(".zip"), f"url {m.group(1)!r} is not an https .zip")
        check(re.fullmatch(r"[0-9a-f]{64}", m.group(2)), f"checksum {m.group(2)!r} is not a SHA-256")
        check("@KOBAN_" not in text, "a placeholder was left in the rendered manifest")


def check_privacy_manifest(path):
    try:
        with open(path, "rb") as f:
            p = plistlib.load(f)
    except Exception as e:  # noqa: BLE001 - any parse failure is the finding
        check(False, f"{path} is not a valid plist: {e}")
        return
    check(p.get("NSPrivacyTracking") is False, "NSPrivacyTracking is not false")
    check(p.get("NSPrivacyTrackingDomains") == [], "NSPrivacyTrackingDomains is not empty")
    check(isinstance(p.get("NSPrivacyCollectedDataTypes"), list), "no NSPrivacyCollectedDataTypes array")
    apis = p.get("NSPrivacyAccessedAPITypes")
    check(isinstance(apis, list) and apis, "no NSPrivacyAccessedAPITypes")
    for a in apis or []:
        t, reasons = a.get("NSPrivacyAccessedAPIType", ""), a.get("NSPrivacyAccessedAPITypeReasons")
        check(t.startswith("NSPrivacyAccessedAPICategory"), f"unknown API type {t!r}")
        check(isinstance(reasons, list) and reasons and all(re.fullmatch(r"[0-9A-F]{4}\.\d", r) for r in reasons),
              f"{t}: reasons {reasons!r} are not Apple reason codes")


def check_ios():
    check_release_manifest_text(read(RELEASE_MANIFEST), rendered=False)
    dev = read(DEV_MANIFEST)
    check("Package.release.swift" in dev, "the development manifest does not point to the release manifest")
    check('resources: [.copy("PrivacyInfo.xcprivacy")]' in dev, "the development manifest does not build the privacy manifest")
    check_privacy_manifest(PRIVACY)
    finish("swift release metadata")
    print("swift release metadata: release manifest (binaryTarget url+checksum, no unsafeFlags) and privacy manifest ok")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def swift_release(out, zip_path, url, generated):
    # SwiftPM's checksum of a binary target is the SHA-256 of the zip (`swift package compute-checksum`).
    manifest = read(RELEASE_MANIFEST).replace(URL_PLACEHOLDER, url).replace(CHECKSUM_PLACEHOLDER, sha256(zip_path))
    check_release_manifest_text(manifest, rendered=True)
    finish("swift release package")
    if os.path.isdir(out):
        shutil.rmtree(out)
    sources = os.path.join(out, "Sources/Koban")
    os.makedirs(os.path.join(sources, "Generated"))
    with open(os.path.join(out, "Package.swift"), "w", encoding="utf-8") as f:
        f.write(manifest)
    for name in sorted(os.listdir(SOURCES)):
        if name.endswith(".swift") or name == "PrivacyInfo.xcprivacy":
            shutil.copy2(os.path.join(SOURCES, name), sources)
    shutil.copy2(generated, os.path.join(sources, "Generated/Koban.swift"))
    for name in ("LICENSE", "CHANGELOG.md"):
        if os.path.exists(os.path.join(ROOT, name)):
            shutil.copy2(os.path.join(ROOT, name), out)
    print(f"swift release package: {out}")


def swift_dump(path):
    import json

    with open(path, encoding="utf-8") as f:
        dump = json.load(f)
    text = json.dumps(dump)
    check("unsafeFlags" not in text, "SwiftPM reads unsafeFlags in the release manifest")
    targets = {t["name"]: t for t in dump.get("targets", [])}
    ffi = targets.get("KobanFFI", {})
    check(ffi.get("type") == "binary" and ffi.get("url", "").startswith("https://") and re.fullmatch(r"[0-9a-f]{64}", ffi.get("checksum") or ""),
          f"KobanFFI is not a url+checksum binary target: {ffi}")
    check(not ffi.get("path"), "KobanFFI has a local path")
    koban = targets.get("Koban", {})
    check(any(r.get("path") == "PrivacyInfo.xcprivacy" for r in koban.get("resources", [])), "Koban has no PrivacyInfo.xcprivacy resource")
    check([p["name"] for p in dump.get("products", [])] == ["Koban"], "the release package's products are not just Koban")
    finish("swift release manifest (SwiftPM)")
    print("swift release manifest: SwiftPM reads a url+checksum binary target, no unsafeFlags, the privacy manifest")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sp = ap.add_subparsers(dest="cmd", required=True)
    sp.add_parser("android")
    sp.add_parser("ios")
    r = sp.add_parser("swift-release")
    r.add_argument("out")
    r.add_argument("--zip", required=True)
    r.add_argument("--url", required=True)
    r.add_argument("--generated", default=os.path.join(SOURCES, "Generated/Koban.swift"))
    d = sp.add_parser("swift-dump")
    d.add_argument("json")
    a = ap.parse_args()
    if a.cmd == "android":
        check_android()
    elif a.cmd == "ios":
        check_ios()
    elif a.cmd == "swift-release":
        swift_release(a.out, a.zip, a.url, a.generated)
    else:
        swift_dump(a.json)


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Checks that another package can depend on this one by version:
#   scripts/check-consumer.sh
# Clones this repository at its current commit into a temporary folder, tags the clone
# 1.0.0 (the repository itself is never tagged or changed), makes a throw-away package
# that depends on the clone with `from: "1.0.0"` and on every library product it has,
# puts the README's first Swift example under "## As a library" in its main.swift,
# builds it in release and runs it. Uncommitted changes are not part of the check.
# Exits non-zero if any step fails; removes its temporary folders either way.
set -euo pipefail

repository=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
version=1.0.0
package_name=VariationalAutoencoders  # the dependency's folder, hence its package identity
work=$(mktemp -d "${TMPDIR:-/tmp}/vae-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT
dependency="$work/$package_name"
consumer="$work/Consumer"
# SwiftPM leaves lock files in the temporary folder: this one, so they go with the rest.
mkdir "$work/tmp"
export TMPDIR="$work/tmp"

if [ -n "$(git -C "$repository" status --porcelain --untracked-files=no)" ]; then
  echo "note: uncommitted changes are not part of the check, only the commit"
fi
echo "== cloning $(git -C "$repository" rev-parse --short HEAD) and tagging the clone $version"
git clone --quiet --no-checkout "$repository" "$dependency"
git -C "$dependency" fetch --quiet "$repository" HEAD  # the commit checked out here, even detached
git -C "$dependency" checkout --quiet --detach FETCH_HEAD
git -C "$dependency" tag "$version"

echo "== the README's library example"
mkdir -p "$consumer/Sources/ReadmeExample"
# The first ```swift block after the heading, verbatim; nothing if the section ends first.
awk '
  /^## As a library[[:space:]]*$/ { section = 1; next }
  section && /^## / { exit }
  section && !inside && /^```swift[[:space:]]*$/ { inside = 1; next }
  inside && /^```[[:space:]]*$/ { found = 1; exit }
  inside { print }
  END { exit found ? 0 : 1 }
' "$dependency/README.md" > "$consumer/Sources/ReadmeExample/main.swift" || {
  echo "error: no \`\`\`swift block under \"## As a library\" in README.md" >&2
  exit 1
}
cat "$consumer/Sources/ReadmeExample/main.swift"

# Every library product of the dependency, so the example may import any of its modules.
products=$(cd "$dependency" && swift package dump-package | python3 -c '
import json, sys
manifest = json.load(sys.stdin)
names = [p["name"] for p in manifest["products"] if "library" in p["type"]]
print(", ".join(f""".product(name: "{name}", package: "{sys.argv[1]}")""" for name in names))
' "$package_name")
[ -n "$products" ] || { echo "error: the package has no library product" >&2; exit 1; }

cat > "$consumer/Package.swift" <<EOF
// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Consumer",
    dependencies: [
        .package(url: "file://$dependency", from: "$version"),
    ],
    targets: [
        .executableTarget(name: "ReadmeExample", dependencies: [$products]),
    ],
    swiftLanguageModes: [.v6]
)
EOF
echo "== Package.swift"
cat "$consumer/Package.swift"

echo "== building in release"
# Without the shared cache of dependencies, which would keep a copy of every clone.
swift build --package-path "$consumer" -c release --disable-dependency-cache
echo "== running"
mkdir "$work/run"
(cd "$work/run" && "$consumer/.build/release/ReadmeExample")
echo "== the package works as a dependency by version"

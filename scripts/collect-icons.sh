#!/usr/bin/env bash
# Gathers the PNG icons of Debian's icon themes into one folder of pictures, a colour
# dataset that any machine can make offline:  scripts/collect-icons.sh [OUT]  (default data/icons)
#
# Each icon is taken once per theme, at its largest size of at least 32 pixels (so that
# reducing it is an average, never an enlargement), and identical files are kept once.
# Icons go to OUT/<category>/<theme>-<name>.png: the category (apps, places, devices…)
# becomes the image's class. The themes come from the packages `make icons` installs.
set -euo pipefail

out=${1:-data/icons}
themes=(/usr/share/icons/Moka /usr/share/icons/oxygen/base /usr/share/icons/mate /usr/share/icons/gnome /usr/share/icons/Adwaita)
sizes=(256x256 128x128 96x96 64x64 48x48 32x32)

rm -rf "$out.partial"
mkdir -p "$out.partial"
declare -A taken seen
for theme in "${themes[@]}"; do
  [ -d "$theme" ] || { echo "missing $theme (run: make icons)" >&2; exit 1; }
  name=$(basename "$(dirname "$theme")")
  [ "$name" = icons ] && name=$(basename "$theme")
  for size in "${sizes[@]}"; do
    [ -d "$theme/$size" ] || continue
    while IFS= read -r -d '' file; do
      [ -e "$file" ] || continue                       # a dangling link
      relative=${file#"$theme/$size/"}
      category=${relative%%/*}
      icon=$(basename "$relative" .png)
      key="$name/$category/$icon"
      [ -z "${taken[$key]:-}" ] || continue            # a larger size was taken already
      taken[$key]=1
      sum=$(md5sum < "$file" | cut -c1-32)
      [ -z "${seen[$sum]:-}" ] || continue             # the same picture under another name
      seen[$sum]=1
      mkdir -p "$out.partial/$category"
      cp -L "$file" "$out.partial/$category/$name-$icon.png"
    done < <(find -L "$theme/$size" -name '*.png' -print0 | sort -z)
  done
done
rm -rf "$out"
mv "$out.partial" "$out"
echo "$(find "$out" -name '*.png' | wc -l) icons in $out"

#!/usr/bin/env bash
# Gathers the PNG icons of Debian's icon themes into one folder of pictures, a colour
# dataset that any machine can make offline:  scripts/collect-icons.sh [OUT]  (default data/icons)
#
# Each icon is taken once per theme, at its largest size of at least 32 pixels (so that
# reducing it is an average, never an enlargement), and identical files are kept once.
# Icons go to OUT/<category>/<theme>-<name>.png: the category (apps, places, devices…)
# becomes the image's class. The themes come from the packages `make icon-data` installs.
set -euo pipefail

out=${1:-data/icons}
themes=(/usr/share/icons/Moka /usr/share/icons/Faenza /usr/share/icons/elementary-xfce
        /usr/share/icons/oxygen/base /usr/share/icons/mate /usr/share/icons/gnome)

list=$(mktemp)
trap 'rm -f "$list"' EXIT
for theme in "${themes[@]}"; do
  [ -d "$theme" ] || { echo "missing $theme (run: make icon-data)" >&2; exit 1; }
  name=$(basename "$theme"); [ "$name" = base ] && name=$(basename "$(dirname "$theme")")
  # Themes lay out either SIZE/CATEGORY/icon.png or CATEGORY/SIZE/icon.png; SIZE is 48x48 or 48.
  find -L "$theme" -name '*.png' -type f -printf '%P\n' | awk -F/ -v theme="$theme" -v name="$name" '
    {
      size = 0; category = ""
      for (i = 1; i < NF; i++) {
        if ($i ~ /^[0-9]+(x[0-9]+)?$/) { split($i, parts, "x"); size = parts[1] + 0 }
        else if ($i ~ /@/) { size = -1 }
        else if (category == "") { category = $i }
      }
      icon = $NF; sub(/\.png$/, "", icon)
      if (size >= 32 && category != "") printf "%d\t%s/%s-%s.png\t%s/%s\n", size, category, name, icon, theme, $0
    }' >> "$list"
done

rm -rf "$out.partial"
mkdir -p "$out.partial"
# Largest size first; the first file for each target name wins; then one copy per content.
sort -t$'\t' -k1,1nr -k2,2 "$list" | awk -F'\t' '!seen[$2]++ { print $2 "\t" $3 }' > "$list.chosen"
cut -f2 "$list.chosen" | tr '\n' '\0' | xargs -0 md5sum | cut -c1-32 | paste - "$list.chosen" \
  | awk -F'\t' '!seen[$1]++ { print $2 "\t" $3 }' > "$list.unique"
cut -f1 "$list.unique" | xargs -n1 dirname | sort -u | (cd "$out.partial" && xargs mkdir -p)
while IFS=$'\t' read -r target source; do
  cp -L "$source" "$out.partial/$target"
done < "$list.unique"
rm -f "$list.chosen" "$list.unique"
rm -rf "$out"
mv "$out.partial" "$out"
echo "$(find "$out" -name '*.png' | wc -l) icons in $out"

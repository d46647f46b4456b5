# mlapi's container image for those who build with Docker (or podman/buildah): the same image as
# `./mvnw -Pimage package` builds with Jib (same base, layout, user, entrypoint, command, port,
# model and labels; DockerfileMatchesJibTest holds the two together).
#
#   docker build -t mlapi:0.1.0-SNAPSHOT \
#     --build-arg REVISION="$(git rev-parse HEAD)" --build-arg SOURCE="$(git remote get-url origin)" .
#   docker run --rm -p 5000:5000 mlapi:0.1.0-SNAPSHOT
#
# BUILD_IMAGE is any JDK 21+ image, BASE_IMAGE any Java 21+ runtime image.
ARG BUILD_IMAGE=eclipse-temurin:21-jdk
ARG BASE_IMAGE=eclipse-temurin:21-jre

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY scripts/java-home.sh scripts/OnnxRuntimeForImage.java scripts/
COPY src/ src/
# `package` builds the jar and its libs; then, like the tutorial's Dockerfile, the default model is
# trained (into target/image-root, as for Jib).
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests package \
      exec:exec@image-model resources:copy-resources@image-model \
 && ./mvnw -B -q dependency:build-classpath -DincludeScope=runtime \
      -Dmdep.prefix=/app/libs -Dmdep.outputFile=target/classpath.txt
# Jib's layout: classes, resources and dependency jars apart, and the classpath in a file. ONNX
# Runtime's jar as Jib has it: not the full one (every platform's libraries, 54 MB) but the one
# `package` repacked with this platform's alone into target/image-root, first on the classpath.
RUN mkdir -p /out/app/classes /out/app/resources /out/app/libs \
 && cp target/libs/*.jar /out/app/libs/ \
 && rm /out/app/libs/onnxruntime-[0-9]*.jar \
 && onnxruntime=$(cd target/image-root/app/libs && echo onnxruntime-*.jar) \
 && (cd target/classes && find . -type f -name '*.class' -exec cp --parents {} /out/app/classes/ \; \
      && find . -type f ! -name '*.class' -exec cp --parents {} /out/app/resources/ \;) \
 && printf '%s' "/app/libs/$onnxruntime:/app/resources:/app/classes:$(tr ':' '\n' < target/classpath.txt \
      | grep -v '^/app/libs/onnxruntime-[0-9.]*\.jar$' | paste -sd: -)" > /out/app/jib-classpath-file \
 && printf '%s' io.mlapi.Main > /out/app/jib-main-class-file \
 && cp -r target/image-root/. /out/ \
 && chmod -R u=rwX,go=rX /out

FROM ${BASE_IMAGE}
ARG BASE_IMAGE
ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="mlapi" \
      org.opencontainers.image.description="Trains SVM classifiers with scikit-learn parity and serves them for online inference." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.base.name="${BASE_IMAGE}"
COPY --from=build /out/ /
ENV MODEL_DIR=/models
USER 65532:65532
EXPOSE 5000
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData", "-cp", "@/app/jib-classpath-file", "io.mlapi.Main"]
CMD ["serve"]

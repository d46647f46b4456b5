# mlapi's container image for those who build with Docker (or podman/buildah): the same image as
# `./mvnw -Pimage package` builds with Jib (same base, layout, user, entrypoint, command, port,
# model and labels; DockerfileMatchesJibTest holds the two together).
#
#   docker build -t mlapi:0.1.0-SNAPSHOT \
#     --build-arg REVISION="$(git rev-parse HEAD)" --build-arg SOURCE="$(git remote get-url origin)" .
#   docker run --rm -p 5000:5000 mlapi:0.1.0-SNAPSHOT
#
# BUILD_IMAGE is any JDK 21+ image, BASE_IMAGE any Java 25+ runtime image (the image runs with
# the JVM's AOT cache, made in the `aot` stage by a training run on BASE_IMAGE's own JVM).
ARG BUILD_IMAGE=eclipse-temurin:25-jdk
ARG BASE_IMAGE=eclipse-temurin:25-jre

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
# Jib's layout (containerizingMode packaged): the jar in /app/classpath, the dependency jars in
# /app/libs, the classpath in a file, every file dated as Jib dates them. ONNX Runtime's jar as Jib
# has it: not the full one (every platform's libraries, 54 MB) but the one `package` repacked with
# this platform's alone into target/image-root, first on the classpath.
RUN mkdir -p /out/app/classpath /out/app/libs \
 && cp target/mlapi.jar /out/app/classpath/ \
 && cp target/libs/*.jar /out/app/libs/ \
 && rm /out/app/libs/onnxruntime-[0-9]*.jar \
 && onnxruntime=$(cd target/image-root/app/libs && echo onnxruntime-*.jar) \
 && printf '%s' "/app/libs/$onnxruntime:/app/classpath/*:$(tr ':' '\n' < target/classpath.txt \
      | grep -v '^/app/libs/onnxruntime-[0-9.]*\.jar$' | paste -sd: -)" > /out/app/jib-classpath-file \
 && printf '%s' io.mlapi.Main > /out/app/jib-main-class-file \
 && cp -r target/image-root/. /out/ \
 && chmod -R u=rwX,go=rX /out \
 && find /out -exec touch -h -d @1 {} +

# The AOT cache: a training run of the server on the runtime image's own JVM (the models'
# sample rows through /predict, KServe V1 and V2, then exit), as scripts/image-aot makes it for Jib.
FROM ${BASE_IMAGE} AS aot
COPY --from=build /out/ /
RUN ["java", "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED", "-XX:AOTCacheOutput=/app/mlapi.aot", \
     "-cp", "@/app/jib-classpath-file", "io.mlapi.Main", "serve", "--model-dir", "/models", "--warmup", "3s", \
     "--exit-after-warmup"]

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
COPY --from=aot /app/mlapi.aot /app/mlapi.aot
ENV MODEL_DIR=/models
USER 65532:65532
EXPOSE 5000
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED", "-XX:AOTCache=/app/mlapi.aot", "-Xlog:aot*=off,cds*=off", "-cp", "@/app/jib-classpath-file", "io.mlapi.Main"]
CMD ["serve"]

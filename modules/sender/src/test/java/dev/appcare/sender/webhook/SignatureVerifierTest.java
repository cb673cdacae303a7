package dev.appcare.sender.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.sender.Samples;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Against the vectors of samples/signature-vector.txt. */
class SignatureVerifierTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldAcceptVector1FromTheOfficialWhatsAppNodeSdk() {
        SignatureVerifier verifier = new SignatureVerifier("TEST_APP_SECRET");
        String header = "sha256=0c61947b610d4f45e65f3d680e26027121ec2413e77598bcb6cfc6e0d9888221";
        assertThat(verifier.verify(utf8("test"), header)).isTrue();
        assertThat(verifier.sign(utf8("test"))).isEqualTo(header);
    }

    @Test
    void shouldAcceptVector2FromGitHubDocs() {
        SignatureVerifier verifier = new SignatureVerifier("It's a Secret to Everybody");
        assertThat(verifier.verify(utf8("Hello, World!"),
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")).isTrue();
    }

    @Test
    void shouldAcceptVector3OverTheExactBodyBytesOfTheVectorFile() {
        String file = Samples.text("signature-vector.txt");
        String body = file.substring(file.indexOf("BODY-BEGIN\n") + "BODY-BEGIN\n".length(), file.indexOf("\nBODY-END"));
        assertThat(utf8(body)).hasSize(572);
        SignatureVerifier verifier = new SignatureVerifier("TEST_APP_SECRET");
        assertThat(verifier.verify(utf8(body),
                "sha256=37aac6459e5c04239627dc19378814195a6825571754a0a9a155dc37c1462caf")).isTrue();
    }

    @Test
    void shouldAcceptTheInboundTextSampleSignedAsGivenInTheVectorFile() {
        SignatureVerifier verifier = new SignatureVerifier("TEST_APP_SECRET");
        assertThat(verifier.verify(Samples.bytes("webhook-inbound-text.json"),
                "sha256=fdd1d99e22a9ef39d9135ba723b2cb52cb0534076a360e56030422e915945e5d")).isTrue();
    }

    @Test
    void shouldRejectForgedMissingAndMalformedSignatures() {
        SignatureVerifier verifier = new SignatureVerifier("TEST_APP_SECRET");
        String good = "sha256=0c61947b610d4f45e65f3d680e26027121ec2413e77598bcb6cfc6e0d9888221";
        assertThat(verifier.verify(utf8("test"), null)).isFalse();
        assertThat(verifier.verify(utf8("test"), "")).isFalse();
        assertThat(verifier.verify(utf8("tesT"), good)).as("body changed").isFalse();
        assertThat(verifier.verify(utf8("test "), good)).as("one byte more").isFalse();
        assertThat(verifier.verify(utf8("test"), good.substring(0, good.length() - 1) + "0")).as("digest changed").isFalse();
        assertThat(verifier.verify(utf8("test"), good.substring(0, good.length() - 2))).as("truncated").isFalse();
        assertThat(verifier.verify(utf8("test"), good.replace("sha256=", "sha1="))).as("other algorithm").isFalse();
        assertThat(verifier.verify(utf8("test"), "0c61947b610d4f45e65f3d680e26027121ec2413e77598bcb6cfc6e0d9888221"))
                .as("no prefix").isFalse();
        assertThat(verifier.verify(utf8("test"), "sha256=zz61947b610d4f45e65f3d680e26027121ec2413e77598bcb6cfc6e0d9888221"))
                .as("not hex").isFalse();
        assertThat(new SignatureVerifier("OTHER_SECRET").verify(utf8("test"), good)).as("other secret").isFalse();
    }

    @Test
    void shouldAcceptUpperCaseHexAndPrefix() {
        SignatureVerifier verifier = new SignatureVerifier("TEST_APP_SECRET");
        assertThat(verifier.verify(utf8("test"),
                "SHA256=0C61947B610D4F45E65F3D680E26027121EC2413E77598BCB6CFC6E0D9888221")).isTrue();
    }
}

package io.aiperf.mock;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

// Why a DER writer of our own: the JDK signs but cannot build a certificate, Netty's
// SelfSignedCertificate is deprecated and puts the name only in the CN (a client connecting to
// https://127.0.0.1 checks the subject alternative names, so hostname verification would fail),
// and BouncyCastle would be a 7 MB dependency for the ~40 lines of ASN.1 below. The JDK parses
// the result back, so a malformed encoding fails at once, not in a client.

/**
 * A self-signed X.509 v3 certificate made at start: EC P-256, signed with SHA256withECDSA, with
 * subject alternative names for the given DNS names and IP addresses, valid from a day ago for a
 * year.
 *
 * @param keyPair the certificate's key pair
 * @param certificate the certificate, issued to and by {@code CN=<first DNS name>}
 */
record SelfSignedCertificate(KeyPair keyPair, X509Certificate certificate) {

    private static final DateTimeFormatter UTC_TIME =
            DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final int SEQUENCE = 0x30;
    private static final int SET = 0x31;
    private static final int INTEGER = 0x02;
    private static final int BIT_STRING = 0x03;
    private static final int OCTET_STRING = 0x04;
    private static final int OID = 0x06;
    private static final int UTF8_STRING = 0x0c;
    private static final int UTC_TIME_TAG = 0x17;
    private static final int BOOLEAN = 0x01;

    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    /**
     * Generates a key pair and a certificate for these names.
     *
     * @param dnsNames DNS names, at least one; the first is also the common name
     * @param addresses IP addresses
     * @return the key pair and certificate
     * @throws GeneralSecurityException if the JDK lacks EC or SHA256withECDSA
     */
    static SelfSignedCertificate generate(List<String> dnsNames, List<InetAddress> addresses)
            throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair keys = generator.generateKeyPair();

        byte[] algorithm = der(SEQUENCE, oid(ECDSA_WITH_SHA256)); // ECDSA takes no parameters
        byte[] name = der(SEQUENCE, der(SET, der(SEQUENCE,
                oid(COMMON_NAME), der(UTF8_STRING, dnsNames.get(0).getBytes(StandardCharsets.UTF_8)))));
        Instant now = Instant.now();
        byte[] validity = der(SEQUENCE, utcTime(now.minus(Duration.ofDays(1))),
                utcTime(now.plus(Duration.ofDays(365))));
        ByteArrayOutputStream altNames = new ByteArrayOutputStream();
        for (String dns : dnsNames) {
            altNames.writeBytes(der(0x82, dns.getBytes(StandardCharsets.US_ASCII))); // [2] dNSName
        }
        for (InetAddress address : addresses) {
            altNames.writeBytes(der(0x87, address.getAddress())); // [7] iPAddress
        }
        byte[] extensions = der(0xa3, der(SEQUENCE, // [3] EXPLICIT Extensions
                extension(SUBJECT_ALT_NAME, false, der(SEQUENCE, altNames.toByteArray())),
                extension(BASIC_CONSTRAINTS, true, der(SEQUENCE)), // not a CA
                extension(EXTENDED_KEY_USAGE, false, der(SEQUENCE, oid(SERVER_AUTH)))));
        byte[] tbs = der(SEQUENCE,
                der(0xa0, der(INTEGER, new byte[] {2})), // [0] EXPLICIT version v3
                der(INTEGER, new BigInteger(63, new SecureRandom()).add(BigInteger.ONE).toByteArray()),
                algorithm, name, validity, name,
                keys.getPublic().getEncoded(), // already a SubjectPublicKeyInfo
                extensions);

        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(keys.getPrivate());
        signer.update(tbs);
        byte[] signature = signer.sign(); // DER SEQUENCE {r, s}, as X.509 wants it
        byte[] encoded = der(SEQUENCE, tbs, algorithm, bitString(signature));

        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(encoded));
        cert.verify(keys.getPublic());
        return new SelfSignedCertificate(keys, cert);
    }

    /**
     * Returns the certificate as PEM text.
     *
     * @return {@code -----BEGIN CERTIFICATE-----} and base64 lines
     * @throws GeneralSecurityException if the certificate cannot be encoded
     */
    String certificatePem() throws GeneralSecurityException {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(certificate.getEncoded());
        return "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n";
    }

    private static byte[] extension(String id, boolean critical, byte[] value) {
        return critical
                ? der(SEQUENCE, oid(id), der(BOOLEAN, new byte[] {(byte) 0xff}), der(OCTET_STRING, value))
                : der(SEQUENCE, oid(id), der(OCTET_STRING, value));
    }

    private static byte[] utcTime(Instant t) {
        return der(UTC_TIME_TAG, UTC_TIME.format(t).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] bitString(byte[] bits) {
        byte[] content = new byte[bits.length + 1]; // leading 0: no unused bits
        System.arraycopy(bits, 0, content, 1, bits.length);
        return der(BIT_STRING, content);
    }

    private static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.", -1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            long arc = Long.parseLong(arcs[i]);
            int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(arc) + 6) / 7);
            for (int g = groups - 1; g >= 0; g--) {
                int seven = (int) ((arc >>> (7 * g)) & 0x7f);
                out.write(g == 0 ? seven : seven | 0x80);
            }
        }
        return der(OID, out.toByteArray());
    }

    /** One DER element: tag, definite length, then the parts concatenated. */
    private static byte[] der(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            content.writeBytes(part);
        }
        int length = content.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }
}

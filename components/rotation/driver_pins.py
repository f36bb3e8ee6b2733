"""Driver distributions the rotation artifacts ship: exact versions, file hashes.

Written by `make pins` (secretkit.components.rotation.driver_bundle.main) from the installed
drivers; do not edit by hand. Hashes are sha256 in urlsafe base64 without padding, as in a
wheel's RECORD.
"""

from typing import NamedTuple


class DriverPin(NamedTuple):
    """One distribution shipped in a rotation artifact."""

    name: str
    version: str
    files: dict[str, str]
    """Path in the artifact -> sha256 of the file."""


#: Canonical distribution name -> its pin.
PINS: dict[str, DriverPin] = {
    "asn1crypto": DriverPin(
        name="asn1crypto",
        version="1.5.1",
        files={
            "asn1crypto/__init__.py": "a-8VLJazcxfecOBlxWH1IX4Crm6NvR-Lhko9GTpvnP0",
            "asn1crypto/_errors.py": "v1vyVWdO49tLugVLnKvtjr9ZddLpeKoB-yrBODOw0tg",
            "asn1crypto/_inet.py": "z2K8CKxSfEQ3d0UMIIgXw5NugKLZyRS__Cn10ivbiGM",
            "asn1crypto/_int.py": "oe3cxich5zj3gQkECl6ZnAOCn-PyYTHkG117bAl21TY",
            "asn1crypto/_iri.py": "2kIP8gGIh8BXt1q_0S5KhnMzUUQIvuT0FDAYNyKeqbY",
            "asn1crypto/_ordereddict.py": "5VAYLbxxEtfdZGKgjzINxlmNkYg9d_7JmZAFfr0EcAk",
            "asn1crypto/_teletex_codec.py": "LhDpkTprPaoc7UJ9i9uwnP-5Am00SVbHSQizPpCLpqE",
            "asn1crypto/_types.py": "OwsX30epv-ETI9eGrLW9GLqv0KeoiSRnJcjN92roqhQ",
            "asn1crypto/algos.py": "xCk-jnAaSwQ7a6ngsKkXVClxez0v8FuPrXjttb0sl_A",
            "asn1crypto/cms.py": "lpzlcTJ97g8dq1RPhYsOSbpQIgWkI8E0ZybQskl39hY",
            "asn1crypto/core.py": "18yPagBXGAtsmCFTuqRbWKnIy1apwoiAEj_i2Zwc9F0",
            "asn1crypto/crl.py": "KJLuEn1IDJO19X4eLYhRyaM-ACnxKkimoGsyAnzGdgA",
            "asn1crypto/csr.py": "arnYGru9S2PYCmBUXBZGKpOXiGRbh4vxONNdLOi97nU",
            "asn1crypto/keys.py": "WOiO9_KoglPron1x3FUgRmb0Eohpj40si7LOTCI2iLQ",
            "asn1crypto/ocsp.py": "2qxDGgCp2XKJ5xFHEx0jlLFkHYWdKvrtUBdGLrUVPbE",
            "asn1crypto/parser.py": "gB7P_tp4GqJjgQv5zKkVOmgdmim5cJfxyIid-TIID1I",
            "asn1crypto/pdf.py": "HNybnna5WG2ftmb8Nx_T5reyLJ0E7hJXoj37DuLbpX0",
            "asn1crypto/pem.py": "s46r_KCQ9h1HENXMh4AGKTXesivQrKnWzU3-gok75uI",
            "asn1crypto/pkcs12.py": "q-KGfvaO72B8AfvolwsqhAQpjuqnkEczPddXYLBFUSE",
            "asn1crypto/tsp.py": "DjKeZE413ukBGTfYVLnOYhsM5mNGBSN52p2puxlPapk",
            "asn1crypto/util.py": "shMpHDvcOYyDcSrlFoGqTLUhHpsTHam45u4KdRO3yww",
            "asn1crypto/version.py": "qWgDOm1ayD-9GJ1Qds22S3bBgyQAFPU5eVPg1pP8FCY",
            "asn1crypto/x509.py": "ocNR41Y-C50-55oStOGnbVbtcbh3kJ6dvnyFO-cSr-0",
        },
    ),
    "pg8000": DriverPin(
        name="pg8000",
        version="1.31.6",
        files={
            "pg8000/__init__.py": "1IIKCMJwsifRtrjwvIRGlKVvt5g9U1ty5yGUyEulH9A",
            "pg8000/converters.py": "bPTEPK3SSGNl8M7GgiO9QuRYZ1IWNGrMbOxtVbLIe-k",
            "pg8000/core.py": "82yB91Y19CftwMsfhzSBVxRJ-4Nx0Fc9IiBFjjKpL-I",
            "pg8000/dbapi.py": "YClP2eAGaQNUpCF57AeHVfnuczbRwqgmf3hyl5TqA9Q",
            "pg8000/exceptions.py": "2ZsB7erzgfCiQqBF4tfVqZa_v9ihz4N6qpj3jJEuQGc",
            "pg8000/legacy.py": "WO4BxT8KQ7ctwKuAu3NbAhwKDqKRAojfmR3uOJ6eDA8",
            "pg8000/native.py": "gMItE_m7tO4JyBEWi9UUx15eZamkzLLyznazEPeTkzQ",
            "pg8000/types.py": "ar8884a6m9_xZugUdZPna9MNFTP4UTIlKjQL2TusI-8",
        },
    ),
    "pymysql": DriverPin(
        name="PyMySQL",
        version="1.2.4",
        files={
            "pymysql/__init__.py": "xz_NEDqFk_JKu3Cv3RZwGx_ButyHTl9dcIFUwk_Ty6c",
            "pymysql/_auth.py": "qnqiIPSooW94K1VD17zZaBmj9JK4gTGLTPUle8XmZhM",
            "pymysql/charset.py": "Y4GgMDxn0Yz-99NwstfCLeCfoRFdwywWoHrn5Gnvghk",
            "pymysql/connections.py": "ffpZ2K739mt8rI0fyrEVlkEk491_JPE2QOw1jH7RljQ",
            "pymysql/constants/CLIENT.py": "SSvMFPZCTVMU1UWa4zOrfhYMDdR2wG2mS0E5GzJhDsg",
            "pymysql/constants/COMMAND.py": "TGITAUcNWlq2Gwg2wv5UK2ykdTd4LYTk_EcJJOCpGIc",
            "pymysql/constants/CR.py": "Qk35FWRMxRHd6Sa9CCIATMh7jegR3xnLdrdaBCT0dTQ",
            "pymysql/constants/ER.py": "nLnf9HNRYvZe1_ZLbrLggivLfHU-5HLJ174o1ggZLoU",
            "pymysql/constants/FIELD_TYPE.py": "ytFzgAnGmb9hvdsBlnK68qdZv_a6jYFIXT6VSAb60z8",
            "pymysql/constants/FLAG.py": "Fy-PrCLnUI7fx_o5WypYnUAzWAM0E9d5yL8fFRVKffY",
            "pymysql/constants/SERVER_STATUS.py": "m28Iq5JGCFCWLhafE73-iOvw_9gDGqnytW3NkHpbugA",
            "pymysql/constants/__init__.py": "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU",
            "pymysql/converters.py": "0aYMjXeHMMeN0ODce_T87wdFjDsS36-Z66WGyk_vneY",
            "pymysql/cursors.py": "EMNEqh0Ns6U-ag4ygKJsZuRg1ftxOeUXZ52ESLzAbgs",
            "pymysql/err.py": "bRvcfsehldXsn8dGsw4NdPlZAm8DFzRZA4qGSW4OjrU",
            "pymysql/optionfile.py": "eQoz6c43yvmHtp5MI9TB2GPRdoggOLemcUWABksfutk",
            "pymysql/protocol.py": "oLhnrFWzqCvnlKFbY9kA2DS_2IMnakzhtASakLyl3rQ",
            "pymysql/times.py": "Knv8MrGFEvVgllfUTy6pVWvHzvVsemZzfvHdyvVPhG8",
        },
    ),
    "scramp": DriverPin(
        name="scramp",
        version="1.5.0",
        files={
            "scramp/__init__.py": "kqMicxih5zpId_LceVDYVaKRiV1IB3MZuYuvrUHoHJE",
            "scramp/core.py": "8kAXb-HAeGHDftGVsl6bUjVqVFeIirLJQs8wKFQglzo",
            "scramp/utils.py": "n80KOYq5oJqw5yuBr7Wmon66I5eW0_PqVIZEYathRks",
        },
    ),
}

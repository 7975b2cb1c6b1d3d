/**
 * Dataset readers: each turns one published layout into {@link io.kka.data.RawSchema} rows (encoded image bytes
 * plus class, captions and split). Metadata (headers, label files, directory names, MAT files) is read on the
 * driver; image bytes are read on executors, and every per-file problem (missing file, unreadable file, bad label)
 * becomes a row with {@code read_error} so that {@code data.on_bad_record} decides between failing and skipping.
 *
 * <ul>
 *   <li>{@link io.kka.data.readers.FashionMnistReader}: IDX files, optionally gzipped.</li>
 *   <li>{@link io.kka.data.readers.FolderReader}: a folder per class, optional train/val/test level and captions
 *       file.</li>
 *   <li>{@link io.kka.data.readers.ManifestReader}: CSV, JSONL or Parquet of image_uri, class_name, caption,
 *       split.</li>
 *   <li>{@link io.kka.data.readers.Cifar100Reader}: the CIFAR-100 binary version.</li>
 *   <li>{@link io.kka.data.readers.Oxford102Reader}: Oxford-102 flowers with the Reed et al. captions.</li>
 *   <li>{@link io.kka.data.readers.UcmCaptionsReader}: UCM-Captions (UC Merced land use + dataset.json).</li>
 * </ul>
 */
package io.kka.data.readers;

/**
 * The simplenet detector: SimpleNet (Liu et al., "SimpleNet: A Simple Network for Image Anomaly Detection and
 * Localization", CVPR 2023) on this project's encoder features, image level only.
 *
 * <p>What is SimpleNet's and what is ours:
 * <ul>
 *   <li><b>Feature extractor.</b> SimpleNet: a frozen ImageNet WideResNet-50, locally aggregated patch features.
 *       Here: the Deep SAD encoder pretrained as an autoencoder on the training normals (no ImageNet weights
 *       offline), one vector φ(x) per image, standardised by the normals' mean and RMS spread
 *       ({@link io.kka.detect.simplenet.FeatureScale}). One vector per image means image-level scores only: no
 *       patches, no anomaly maps.</li>
 *   <li><b>Feature adaptor</b> (SimpleNet's {@code pre_projection}, {@code --pre_proj 1}): one linear layer d → d,
 *       trained with AdamW.</li>
 *   <li><b>Anomalous features</b>: adapted normal features plus N(0, σ²I) ({@code noise_std}, SimpleNet's
 *       {@code mix_noise 1}). With labelled anomalies (KKA's generated set, sad_label −1), their adapted features
 *       are negatives too, each row once per epoch like every training row: the paper's SimpleNet+KKA.</li>
 *   <li><b>Discriminator</b> ({@code --dsc_layers 2}): linear → batch norm → leaky ReLU 0.2 → linear → 1 logit,
 *       Xavier-normal initialisation, Adam with weight decay 1e-5; the loss is SimpleNet's truncated L1 with margin
 *       th ({@link io.kka.detect.simplenet.TruncatedL1}); score = −logit.</li>
 *   <li><b>No model selection on test data.</b> SimpleNet's {@code train} evaluates on the test set after every
 *       meta-epoch and keeps the best; here the last epoch is the model.</li>
 * </ul>
 * Training runs on the Spark workers with parameter averaging ({@link io.kka.detect.simplenet.SimpleNetTrainer}).
 */
package io.kka.detect.simplenet;

export default TextDecoder;

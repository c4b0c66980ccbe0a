import streamlit as st

st.title('welcome')
st.write('Placeholder page; being built.')
